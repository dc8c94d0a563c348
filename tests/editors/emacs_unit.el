;;; emacs_unit.el --- ERT checks of editors/emacs/jetls.el helpers  -*- lexical-binding: t; -*-
;; JETLS_REPO=<repo> emacs --batch -Q -l tests/editors/emacs_unit.el -f ert-run-tests-batch-and-exit

(require 'ert)
(require 'jsonrpc)
(require 'project)
(add-to-list 'load-path (expand-file-name "editors/emacs" (getenv "JETLS_REPO")))
(dolist (dir (file-expand-wildcards "/usr/share/emacs/site-lisp/elpa/*"))
  (add-to-list 'load-path dir))
(require 'jetls)

(defmacro jetls-test-with-tree (&rest body)
  (declare (indent 0))
  `(let* ((tmp (file-name-as-directory (file-truename (make-temp-file "jetls-el" t))))
          (mh (file-name-as-directory (expand-file-name "mh" tmp))))
     (unwind-protect
         (progn
           (dolist (d '("mh/definitions" "mh/jetstream/outcomes/fenix" "mh/opmon/definitions" "other"))
             (make-directory (expand-file-name d tmp) t))
           (dolist (f '("mh/definitions/fenix.toml" "mh/jetstream/outcomes/fenix/x.toml"
                        "mh/opmon/definitions/fenix.toml" "other/Cargo.toml"))
             (write-region "" nil (expand-file-name f tmp)))
           ,@body)
       (delete-directory tmp t))))

(ert-deftest jetls-find-root ()
  (jetls-test-with-tree
    (should (equal (jetls-find-root (expand-file-name "jetstream/outcomes/fenix/x.toml" mh)) mh))
    (should (equal (jetls-find-root (expand-file-name "definitions/fenix.toml" mh)) mh))
    (should (equal (jetls-find-root (expand-file-name "opmon/definitions/fenix.toml" mh)) mh))
    (should (equal (jetls-find-root mh) mh))
    (should-not (jetls-find-root (expand-file-name "other/Cargo.toml" tmp)))))

(ert-deftest jetls-relevant-file-p ()
  (let ((mh "/x/mh/"))
    (should (jetls-relevant-file-p mh "/x/mh/jetstream/a.toml"))
    (should (jetls-relevant-file-p mh "/x/mh/jetstream/outcomes/fenix/a.toml"))
    (should (jetls-relevant-file-p mh "/x/mh/definitions/fenix.toml"))
    (should (jetls-relevant-file-p mh "/x/mh/featmon/a.toml"))
    (should (jetls-relevant-file-p mh "/x/mh/looker/definitions/a.toml"))
    (should-not (jetls-relevant-file-p mh "/x/mh/definitions/sub/a.toml"))
    (should-not (jetls-relevant-file-p mh "/x/mh/pyproject.toml"))
    (should-not (jetls-relevant-file-p mh "/x/mh/jetstream/README.md"))
    (should-not (jetls-relevant-file-p mh "/elsewhere/jetstream/a.toml"))))

(ert-deftest jetls-settings-json ()
  (let ((jetls-platform "fenix")
        (jetls-extra-definition-roots '("/a"))
        (jetls-sql-enabled nil)
        (jetls-severity-overrides '(("JET201" . "warning")))
        (jetls-bigquery-etl "/bq")
        (jetls-parser-version "2026.8.1"))
    (should (equal (json-parse-string (jsonrpc--json-encode (jetls-settings)) :object-type 'alist)
                   '((platform . "fenix") (extraDefinitionRoots . ["/a"])
                     (sql (enabled . :false)) (severityOverrides (JET201 . "warning"))
                     (bigqueryEtl . "/bq") (parserVersion . "2026.8.1")))))
  (let ((jetls-platform nil) (jetls-extra-definition-roots nil)
        (jetls-sql-enabled t) (jetls-severity-overrides nil) (jetls-bigquery-etl nil)
        (jetls-parser-version nil))
    (should (equal (jsonrpc--json-encode (jetls-settings))
                   "{\"platform\":null,\"extraDefinitionRoots\":[],\"sql\":{\"enabled\":true},\"severityOverrides\":{},\"bigqueryEtl\":null,\"parserVersion\":null}"))))

(ert-deftest jetls-server-contact ()
  (let ((jetls-server-command '("x" "serve")))
    (should (equal (jetls-server-contact) '("x" "serve"))))
  (let ((jetls-server-command nil) (jetls-python "/venv/bin/python") (jetls-server-args '("-v"))
        (exec-path nil))
    (should (equal (jetls-server-contact) '("/venv/bin/python" "-m" "jetls" "serve" "-v")))))

(ert-deftest jetls-eglot-setup-registers ()
  (require 'eglot)
  (let ((eglot-server-programs (copy-sequence eglot-server-programs))
        (project-find-functions (copy-sequence project-find-functions)))
    (jetls-eglot-setup t)
    (jetls-eglot-setup t)               ; idempotent
    (should (= 1 (cl-count #'jetls--eglot-contact eglot-server-programs :key #'cdr)))
    (should (memq #'jetls-project-find project-find-functions))
    (let ((modes (car (car eglot-server-programs))))
      (should (member '(conf-toml-mode :language-id "toml") modes))
      (should (member '(toml-ts-mode :language-id "toml") modes)))))

(ert-deftest jetls-project-find ()
  (jetls-test-with-tree
    (with-temp-buffer
      (setq buffer-file-name (expand-file-name "definitions/fenix.toml" mh))
      (should (equal (jetls-project-find (file-name-directory buffer-file-name)) (cons 'jetls mh)))
      (should (equal (project-root (cons 'jetls mh)) mh))
      (setq buffer-file-name (expand-file-name "other/Cargo.toml" tmp))
      (should-not (jetls-project-find (file-name-directory buffer-file-name)))
      (setq buffer-file-name nil))))



(ert-deftest jetls-eglot-fallback-keeps-previous-toml-server ()
  (require 'eglot)
  (let ((eglot-server-programs (cons '((toml-ts-mode conf-toml-mode) . ("taplo" "lsp" "stdio"))
                                     (copy-sequence eglot-server-programs)))
        (project-find-functions (copy-sequence project-find-functions))
        (jetls-eglot-fallback-program 'auto))
    (jetls-eglot-setup t)
    (should (equal jetls--eglot-previous-contact '("taplo" "lsp" "stdio")))
    (jetls-test-with-tree
      (with-temp-buffer
        (setq buffer-file-name (expand-file-name "other/Cargo.toml" tmp))
        (should (equal (jetls--eglot-contact) '("taplo" "lsp" "stdio")))
        (let ((jetls-eglot-fallback-program nil))
          (should-not (jetls--eglot-contact)))
        (setq buffer-file-name (expand-file-name "definitions/fenix.toml" mh))
        (let ((jetls-server-command '("jetls" "serve")))
          (should (equal (seq-take (jetls--eglot-contact) 3)
                         '("jetls" "serve" :initializationOptions))))
        (setq buffer-file-name nil)))))
;;; emacs_unit.el ends here
