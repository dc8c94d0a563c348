from jetls.cli import main

raise SystemExit(main())
