from jetls.server import main

raise SystemExit(main())
