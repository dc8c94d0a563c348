;;; jetls.el --- Jetstream / metric-hub TOML language server set-up  -*- lexical-binding: t; -*-

;; Version: 0.1.0
;; Package-Requires: ((emacs "27.1"))
;; Keywords: languages, tools, toml
;; URL: https://github.com/mozilla/jetls

;; This file is not part of GNU Emacs.
;; SPDX-License-Identifier: MPL-2.0

;;; Commentary:

;; Connects the jetls language server to TOML buffers of a metric-hub checkout
;; (a folder that holds `definitions/' and/or `jetstream/').
;;
;; Eglot (Emacs 29+ built in; ELPA `eglot' for Emacs 27/28):
;;
;;   (require 'jetls)
;;   (jetls-eglot-setup)             ; registers the server, auto-starts it
;;
;; lsp-mode (runs beside taplo as an add-on server):
;;
;;   (with-eval-after-load 'lsp-mode (require 'jetls) (jetls-lsp-mode-setup))
;;
;; Only files jetls understands are handed to it: jetstream/**/*.toml,
;; definitions/*.toml, opmon/**/*.toml, looker/**/*.toml, featmon/*.toml.
;; Other TOML files (Cargo.toml, pyproject.toml, ...) are left alone.

;;; Code:

(require 'cl-lib)
(require 'subr-x)

(defvar eglot-server-programs)

(defgroup jetls nil
  "Jetstream / metric-hub TOML language server."
  :group 'tools
  :prefix "jetls-")

(defcustom jetls-server-command nil
  "Command line that starts the jetls server over stdio.
When nil, use \"jetls serve\" if `jetls' is on `exec-path', else
\"<python> -m jetls serve\" with `jetls-python'."
  :type '(choice (const :tag "Automatic" nil) (repeat string)))

(defcustom jetls-python "python3"
  "Python interpreter used when `jetls' is not on `exec-path'."
  :type 'string)

(defcustom jetls-server-args nil
  "Extra arguments appended after \"serve\"."
  :type '(repeat string))

(defcustom jetls-platform nil
  "Platform override for experiment configs (e.g. \"fenix\"); nil = infer."
  :type '(choice (const :tag "Infer" nil) string)
  :safe (lambda (v) (or (null v) (stringp v))))

(defcustom jetls-extra-definition-roots nil
  "Extra folders holding a `definitions/' directory."
  :type '(repeat directory))

(defcustom jetls-sql-enabled t
  "Whether the server checks the SQL syntax of templated strings."
  :type 'boolean
  :safe #'booleanp)

(defcustom jetls-parser-version nil
  "The metric-config-parser release whose rules apply, e.g. \"2026.10.2\".
nil: the checkout's lib/metric-config-parser, else the newest release jetls knows."
  :type '(choice (const :tag "Detect" nil) string)
  :group 'jetls)

(defcustom jetls-bigquery-etl nil
  "A bigquery-etl checkout: table schemas (unknown columns, column completion) and routines.
nil skips those checks."
  :type '(choice (const :tag "None" nil) directory)
  :group 'jetls)

(defcustom jetls-severity-overrides nil
  "Alist of diagnostic code -> severity, e.g. ((\"JET201\" . \"warning\")).
Severity is one of \"error\", \"warning\", \"information\", \"hint\", \"off\"."
  :type '(alist :key-type string
                :value-type (choice (const "error") (const "warning")
                                    (const "information") (const "hint") (const "off"))))

(defcustom jetls-only-relevant-files t
  "When non-nil, attach only to the files jetls understands.
When nil, attach to every TOML file inside a metric-hub checkout."
  :type 'boolean)

(defcustom jetls-toml-modes '(toml-ts-mode conf-toml-mode toml-mode)
  "Major modes of TOML buffers."
  :type '(repeat symbol))

(defcustom jetls-eglot-fallback-program 'auto
  "Contact used by Eglot for TOML buffers outside a metric-hub checkout.
Eglot runs one server per buffer, so the jetls entry in
`eglot-server-programs' also covers other TOML files.  The default,
`auto', uses the TOML entry that `eglot-server-programs' had before
`jetls-eglot-setup' ran (taplo on Emacs 29+).  Otherwise a contact such
as \\='(\"taplo\" \"lsp\" \"stdio\"), or nil for no server."
  :type '(choice (const :tag "Previous eglot-server-programs entry" auto)
                 (const :tag "None" nil)
                 (repeat string)))

(defvar jetls--eglot-previous-contact nil
  "The TOML contact of `eglot-server-programs' before `jetls-eglot-setup'.")

;;;; Root detection

(defconst jetls--root-markers '("definitions" "jetstream")
  "Directories whose presence marks a metric-hub root.")

(defconst jetls--subtree-names '("opmon" "looker" "featmon" "jetstream" "definitions")
  "Top-level metric-hub folders that may hold their own `definitions/'.")

(defun jetls--root-p (dir)
  "Non-nil when DIR holds `definitions/' or `jetstream/'."
  (cl-some (lambda (m) (file-directory-p (expand-file-name m dir)))
           jetls--root-markers))

(defun jetls-find-root (path)
  "Return the metric-hub root above PATH (a file or directory), or nil."
  (when path
    (let* ((path (expand-file-name path))
           (dir (file-name-as-directory
                 (if (file-directory-p path) path (file-name-directory path))))
           (root (locate-dominating-file dir #'jetls--root-p)))
      (when root
        (setq root (file-name-as-directory (expand-file-name root)))
        ;; opmon/ (or looker/, ...) may hold its own definitions/: climb.
        (while (and (member (file-name-nondirectory (directory-file-name root))
                            jetls--subtree-names)
                    (let ((parent (file-name-directory (directory-file-name root))))
                      (and parent (not (equal parent root)) (jetls--root-p parent)
                           (setq root parent)))))
        root))))

(defun jetls-relevant-file-p (root file)
  "Non-nil when FILE is one of the files jetls handles under ROOT."
  (let* ((root (file-name-as-directory (expand-file-name root)))
         (file (expand-file-name file)))
    (when (and (string-prefix-p root file) (string-suffix-p ".toml" file))
      (let* ((parts (split-string (substring file (length root)) "/" t))
             (top (car parts)))
        (cond ((member top '("jetstream" "opmon" "looker")) (>= (length parts) 2))
              ((member top '("definitions" "featmon")) (= (length parts) 2))
              (t nil))))))

(defun jetls-buffer-root (&optional buffer)
  "Metric-hub root for BUFFER when jetls should manage it, else nil."
  (with-current-buffer (or buffer (current-buffer))
    (let* ((file buffer-file-name)
           (root (and file (jetls-find-root file))))
      (when (and root (or (not jetls-only-relevant-files)
                          (jetls-relevant-file-p root file)))
        root))))

;;;; Server command and settings

(defun jetls-server-contact ()
  "The command line that starts the server."
  (or jetls-server-command
      (append (if (executable-find "jetls")
                  '("jetls" "serve")
                (list jetls-python "-m" "jetls" "serve"))
              jetls-server-args)))

(defun jetls-settings ()
  "The `jetls' settings object as a plist (JSON-encodable)."
  (list :platform jetls-platform        ; nil is sent as JSON null
        :extraDefinitionRoots (vconcat (mapcar #'expand-file-name jetls-extra-definition-roots))
        :sql (list :enabled (if jetls-sql-enabled t :json-false))
        :severityOverrides (if jetls-severity-overrides
                               (cl-loop for (code . sev) in jetls-severity-overrides
                                        append (list (intern (concat ":" code)) sev))
                             (make-hash-table))
        :bigqueryEtl (and jetls-bigquery-etl (expand-file-name jetls-bigquery-etl))
        :parserVersion jetls-parser-version))

;;;; project.el integration (used by Eglot to pick the server's root)

(defun jetls-project-find (dir)
  "`project-find-functions' member: a metric-hub checkout is a project."
  (let ((root (and (or (not jetls-only-relevant-files)
                       (null buffer-file-name)
                       (let ((r (jetls-find-root dir)))
                         (and r (jetls-relevant-file-p r buffer-file-name))))
                   (jetls-find-root dir))))
    (when root (cons 'jetls root))))

(with-eval-after-load 'project
  (cl-defmethod project-root ((project (head jetls)))
    (cdr project)))

;;;; Eglot

(defun jetls--eglot-contact (&optional interactive)
  "Eglot contact function: jetls inside metric-hub, fallback elsewhere.
INTERACTIVE is passed on to a fallback contact function."
  (if (jetls-buffer-root)
      (append (jetls-server-contact)
              (list :initializationOptions (lambda (_server) (jetls-settings))))
    (let ((fallback (if (eq jetls-eglot-fallback-program 'auto)
                        jetls--eglot-previous-contact
                      jetls-eglot-fallback-program)))
      (if (functionp fallback)
          (condition-case nil (funcall fallback interactive)
            (wrong-number-of-arguments (funcall fallback)))
        fallback))))

(defun jetls--eglot-toml-contact (programs)
  "The contact PROGRAMS (an `eglot-server-programs' value) uses for TOML modes."
  (cl-loop for (modes . contact) in programs
           for mode-list = (mapcar (lambda (m) (if (consp m) (car m) m))
                                   (if (or (symbolp modes) (keywordp (cadr modes)))
                                       (list modes)
                                     modes))
           unless (eq contact #'jetls--eglot-contact)
           when (cl-intersection mode-list jetls-toml-modes)
           return contact))

(defun jetls--eglot-workspace-configuration (_server)
  "Value of `eglot-workspace-configuration' answering section \"jetls\"."
  (list :jetls (jetls-settings)))

(defun jetls-eglot-maybe-start ()
  "Start Eglot in this buffer if it belongs to a metric-hub checkout."
  (when (and (jetls-buffer-root) (fboundp 'eglot-ensure))
    (eglot-ensure)))

;;;###autoload
(defun jetls-eglot-setup (&optional no-auto-start)
  "Register jetls with Eglot.
Adds an `eglot-server-programs' entry for `jetls-toml-modes' (language id
\"toml\"), a `project-find-functions' hook that makes a metric-hub
checkout the project root, and, unless NO-AUTO-START, a mode hook that
starts Eglot in metric-hub TOML buffers."
  (require 'eglot)
  ;; Eglot answers workspace/configuration from the *default* (or dir-local) value
  ;; of `eglot-workspace-configuration', not a buffer-local one.  Install ours
  ;; unless the user has their own (then add `:jetls (jetls-settings)' to it).
  (unless (default-value 'eglot-workspace-configuration)
    (setq-default eglot-workspace-configuration #'jetls--eglot-workspace-configuration))
  (add-hook 'project-find-functions #'jetls-project-find -90)
  (setq jetls--eglot-previous-contact (jetls--eglot-toml-contact eglot-server-programs))
  (setq eglot-server-programs
        (cons (cons (mapcar (lambda (m) (list m :language-id "toml")) jetls-toml-modes)
                    #'jetls--eglot-contact)
              (cl-remove-if (lambda (entry) (eq (cdr entry) #'jetls--eglot-contact))
                            eglot-server-programs)))
  (unless no-auto-start
    (dolist (mode jetls-toml-modes)
      (add-hook (intern (format "%s-hook" mode)) #'jetls-eglot-maybe-start))))

;;;; Rendered SQL

(defun jetls--show-sql (result)
  "Display RESULT ({metric, sql} plist) in a `sql-mode' buffer."
  (if (not (and result (plist-get result :sql)))
      (message "jetls: no metric under the cursor")
    (with-current-buffer (get-buffer-create "*jetls rendered SQL*")
      (let ((inhibit-read-only t))
        (erase-buffer)
        (insert (format "-- jetls: rendered SQL of `%s`\n\n" (or (plist-get result :metric) "")))
        (insert (plist-get result :sql)))
      (when (fboundp 'sql-mode) (sql-mode))
      (goto-char (point-min))
      (display-buffer (current-buffer)))))

(declare-function eglot--current-server-or-lose "eglot")
(declare-function eglot--TextDocumentPositionParams "eglot")
(declare-function eglot-execute-command "eglot")
(declare-function jsonrpc-request "jsonrpc")
(declare-function lsp-request "lsp-mode")
(declare-function lsp--text-document-position-params "lsp-mode")
(defvar eglot--managed-mode)
(defvar lsp-mode)

;;;###autoload
(defun jetls-show-rendered-sql ()
  "Show the rendered SQL of the metric under point.
Calls the server command `jetls.renderedSql'."
  (interactive)
  (cond
   ((bound-and-true-p eglot--managed-mode)
    (let* ((pos (eglot--TextDocumentPositionParams))
           (args (vector (plist-get (plist-get pos :textDocument) :uri)
                         (plist-get pos :position))))
      (jetls--show-sql (jsonrpc-request (eglot--current-server-or-lose)
                                        :workspace/executeCommand
                                        (list :command "jetls.renderedSql" :arguments args)))))
   ((bound-and-true-p lsp-mode)
    (let* ((pos (lsp--text-document-position-params))
           (res (lsp-request "workspace/executeCommand"
                             (list :command "jetls.renderedSql"
                                   :arguments (vector (gethash "uri" (gethash "textDocument" pos)
                                                               (plist-get (plist-get pos :textDocument) :uri))
                                                      (or (gethash "position" pos) (plist-get pos :position)))))))
      (jetls--show-sql (if (hash-table-p res)
                           (list :metric (gethash "metric" res) :sql (gethash "sql" res))
                         res))))
   (t (user-error "jetls is not managing this buffer"))))

;;;; lsp-mode

(declare-function lsp-register-client "lsp-mode")
(declare-function make-lsp-client "lsp-mode")
(declare-function lsp-stdio-connection "lsp-mode")
(declare-function lsp-register-custom-settings "lsp-mode")
(declare-function lsp-configuration-section "lsp-mode")
(declare-function lsp--set-configuration "lsp-mode")
(defvar lsp-language-id-configuration)
(defvar lsp--cur-workspace)

(defun jetls--lsp-extra-definition-roots ()
  "`jetls-extra-definition-roots' as a JSON array (for lsp-mode)."
  (plist-get (jetls-settings) :extraDefinitionRoots))

(defun jetls--lsp-severity-overrides ()
  "`jetls-severity-overrides' as a JSON object (for lsp-mode)."
  (let ((table (make-hash-table :test #'equal)))
    (dolist (entry jetls-severity-overrides table)
      (puthash (car entry) (cdr entry) table))))

(defun jetls--lsp-activate-p (file-name mode)
  "lsp-mode activation function for FILE-NAME in major MODE.
Non-nil for TOML files inside a metric-hub checkout."
  (and file-name
       (memq mode jetls-toml-modes)
       (let ((root (jetls-find-root file-name)))
         (and root (or (not jetls-only-relevant-files)
                       (jetls-relevant-file-p root file-name))))))

;;;###autoload
(defun jetls-lsp-mode-setup ()
  "Register jetls with lsp-mode as an add-on server (runs beside taplo)."
  (require 'lsp-mode)
  ;; lsp-mode picks the workspace root through project.el (with
  ;; `lsp-auto-guess-root'); make the metric-hub checkout the project.
  (add-hook 'project-find-functions #'jetls-project-find -90)
  (lsp-register-custom-settings
   '(("jetls.platform" jetls-platform)
     ("jetls.extraDefinitionRoots" jetls--lsp-extra-definition-roots)
     ("jetls.sql.enabled" jetls-sql-enabled t)
     ("jetls.severityOverrides" jetls--lsp-severity-overrides)
     ("jetls.bigqueryEtl" jetls-bigquery-etl)
     ("jetls.parserVersion" jetls-parser-version)))
  (dolist (m jetls-toml-modes)
    (add-to-list 'lsp-language-id-configuration (cons m "toml")))
  (lsp-register-client
   (make-lsp-client
    :new-connection (lsp-stdio-connection #'jetls-server-contact)
    :activation-fn #'jetls--lsp-activate-p
    :major-modes jetls-toml-modes
    :server-id 'jetls
    :add-on? t
    :priority -1
    :initialization-options (lambda () (jetls-settings))
    :initialized-fn (lambda (workspace)
                      (let ((lsp--cur-workspace workspace))
                        (lsp--set-configuration (lsp-configuration-section "jetls"))))
    :action-handlers (let ((handlers (make-hash-table :test #'equal)))
                       (puthash "jetls.showRenderedSql" #'jetls--lens-rendered-sql handlers)
                       handlers)
    :multi-root t)))

(defun jetls--lens-rendered-sql (action)
  "Code lens ACTION \"Show rendered SQL\": ask the server for the SQL at the lens."
  (let* ((args (gethash "arguments" action))
         (res (lsp-request "workspace/executeCommand"
                           (list :command "jetls.renderedSql" :arguments args))))
    (jetls--show-sql (if (hash-table-p res)
                         (list :metric (gethash "metric" res) :sql (gethash "sql" res))
                       res))))

(provide 'jetls)
;;; jetls.el ends here
