;;; emacs_driver.el --- Headless Emacs/Eglot driver for the jetls real-editor tests  -*- lexical-binding: t; -*-

;; JETLS_EDITOR_PLAN=/tmp/plan.json emacs --batch -Q -l tests/editors/emacs_driver.el
;;
;; Loads the shipped set-up (editors/emacs/jetls.el) from the repository, opens
;; the experiment config named in the plan with Eglot and records, as JSON in
;; plan.results: diagnostics (flymake-diagnostics), completion candidates
;; (completion-at-point table), where xref-find-definitions lands, hover text
;; (Eglot's eldoc hover function).  Each step is guarded; failures go to
;; `errors'.

(require 'cl-lib)
(require 'json)
(require 'subr-x)

(defvar jetls-test-plan
  (let ((json-object-type 'plist) (json-array-type 'list) (json-key-type 'keyword))
    (json-read-file (or (getenv "JETLS_EDITOR_PLAN") (error "JETLS_EDITOR_PLAN not set")))))

(defun jetls-test--plan (key) (plist-get jetls-test-plan key))

(defvar jetls-test-timeout (/ (or (jetls-test--plan :timeout_ms) 20000) 1000.0))
(defvar jetls-test-results (list :editor "emacs" :version emacs-version))
(defvar jetls-test-errors nil)
(defvar jetls-test-steps nil)

(defun jetls-test--put (key value)
  (setq jetls-test-results (plist-put jetls-test-results key value)))

(defun jetls-test--write ()
  (let ((json-encoding-pretty-print nil)
        (out (append jetls-test-results
                     (list :errors (vconcat (reverse jetls-test-errors))
                           :steps (or jetls-test-steps (make-hash-table))))))
    (with-temp-file (jetls-test--plan :results)
      (insert (json-encode out)))))

(defmacro jetls-test-step (name &rest body)
  (declare (indent 1))
  `(progn
     (condition-case err
         (progn ,@body
                (setq jetls-test-steps (plist-put jetls-test-steps ,(intern (concat ":" name)) t)))
       (error
        (setq jetls-test-steps (plist-put jetls-test-steps ,(intern (concat ":" name)) :json-false))
        (push (format "%s: %s" ,name (error-message-string err)) jetls-test-errors)))
     (jetls-test--write)))

(defun jetls-test--wait (pred &optional timeout)
  "Pump the event loop until PRED returns non-nil or TIMEOUT seconds pass."
  (let ((deadline (+ (float-time) (or timeout jetls-test-timeout)))
        value)
    (while (and (not (setq value (funcall pred))) (< (float-time) deadline))
      (accept-process-output nil 0.05)
      ;; Eglot/Flymake defer work to timers and post-command-hook: run them.
      (run-hooks 'post-command-hook))
    value))

(defun jetls-test--goto (pos)
  (goto-char (point-min))
  (forward-line (plist-get pos :line))
  (forward-char (plist-get pos :character)))

;; --- Load the shipped set-up from the repository -------------------------------------

(setq load-prefer-newer t)
(add-to-list 'load-path (expand-file-name "editors/emacs" (jetls-test--plan :repo)))
(dolist (dir (file-expand-wildcards "/usr/share/emacs/site-lisp/elpa/*"))
  (add-to-list 'load-path dir))
(when (require 'package nil t)
  (ignore-errors (package-initialize)))

(setq eglot-sync-connect t
      eglot-autoshutdown t
      eglot-events-buffer-size 2000000
      inhibit-message nil)

(jetls-test-step "setup"
  (unless (require 'eglot nil t) (error "eglot is not installed"))
  (require 'flymake)
  (require 'jetls)
  (jetls-test--put :module_path (locate-library "jetls"))
  (jetls-test--put :eglot_library (locate-library "eglot"))
  (let ((settings (jetls-test--plan :settings)))
    (setq jetls-server-command (jetls-test--plan :server_cmd)
          jetls-platform (plist-get settings :platform)))
  (jetls-eglot-setup))

(defun jetls-test--managed-p ()
  (and (bound-and-true-p eglot--managed-mode) (eglot-current-server)))

;; --- Not metric-hub files: jetls must not attach ---------------------------------------

(jetls-test-step "no_attach_outside"
  (let ((outside nil))
    (dolist (f (jetls-test--plan :outside_files))
      (with-current-buffer (find-file-noselect f)
        (run-hooks 'post-command-hook)
        (jetls-test--wait #'jetls-test--managed-p 1.0)
        (push (cons (intern f) (if (jetls-test--managed-p) t :json-false)) outside)))
    (jetls-test--put :attached_outside outside)))

;; --- Open the experiment config ------------------------------------------------------

(defvar jetls-test-buffer nil)

(jetls-test-step "open"
  (setq jetls-test-buffer (find-file-noselect (jetls-test--plan :file)))
  (set-buffer jetls-test-buffer)
  (switch-to-buffer jetls-test-buffer)
  (jetls-test--put :major_mode (symbol-name major-mode))
  ;; jetls-eglot-maybe-start ran from the mode hook and called `eglot-ensure',
  ;; which connects from post-command-hook.
  (run-hooks 'post-command-hook)
  (unless (jetls-test--wait #'jetls-test--managed-p)
    (error "Eglot did not start jetls for %s" buffer-file-name))
  (let ((server (eglot-current-server)))
    (jetls-test--put :attached t)
    (jetls-test--put :project_root (project-root (eglot--project server)))
    (jetls-test--put :server_command (vconcat (process-command (jsonrpc--process server))))))

;; --- Diagnostics -----------------------------------------------------------------------

(defun jetls-test--diags ()
  (mapcar (lambda (d)
            (let* ((beg (flymake-diagnostic-beg d))
                   (msg (flymake-diagnostic-text d))
                   (lsp-diag (cdr (assoc 'eglot-lsp-diag (flymake-diagnostic-data d))))
                   (code (plist-get lsp-diag :code)))
              (list :line (with-current-buffer jetls-test-buffer
                            (1- (line-number-at-pos beg)))
                    :message msg
                    :code (and code (format "%s" code))
                    :type (format "%s" (flymake-diagnostic-type d)))))
          (with-current-buffer jetls-test-buffer (flymake-diagnostics))))

(jetls-test-step "diagnostics"
  (with-current-buffer jetls-test-buffer
    (unless flymake-mode (flymake-mode 1))
    (let ((slug (jetls-test--plan :bad_slug)))
      (jetls-test--wait
       (lambda ()
         (flymake-start)
         (cl-some (lambda (d) (string-match-p (regexp-quote slug) (plist-get d :message)))
                  (jetls-test--diags)))))
    (jetls-test--put :diagnostics (vconcat (jetls-test--diags)))))

;; --- Completion ------------------------------------------------------------------------

(jetls-test-step "completion"
  (with-current-buffer jetls-test-buffer
    (jetls-test--goto (jetls-test--plan :completion))
    (let ((capf (eglot-completion-at-point)))
      (unless capf (error "eglot-completion-at-point returned nil"))
      (let* ((table (nth 2 capf))
             (cands (all-completions "" table)))
        (jetls-test--put :completion_labels
                         (vconcat (mapcar #'substring-no-properties cands)))))))

;; --- Hover -----------------------------------------------------------------------------

(jetls-test-step "hover"
  (with-current-buffer jetls-test-buffer
    (jetls-test--goto (jetls-test--plan :hover))
    (let ((doc nil) (called nil))
      (eglot-hover-eldoc-function (lambda (info &rest _) (setq doc info called t)))
      (jetls-test--wait (lambda () called))
      (jetls-test--put :hover_text (if doc (substring-no-properties (format "%s" doc)) "")))))

;; --- Go to definition ------------------------------------------------------------------

(defun jetls-test--xref-list (items)
  (vconcat
   (mapcar (lambda (item)
             (let ((loc (xref-item-location item)))
               (list :file (file-truename (xref-location-group loc))
                     :line (1- (xref-location-line loc)))))
           items)))

(jetls-test-step "definition"
  (set-buffer jetls-test-buffer)
  (switch-to-buffer jetls-test-buffer)
  (jetls-test--goto (jetls-test--plan :definition))
  ;; What the xref backend offers (one item: the editor jumps; several: an *xref* list).
  (let* ((backend (xref-find-backend))
         (id (xref-backend-identifier-at-point backend))
         (items (xref-backend-definitions backend id)))
    (jetls-test--put :definition_candidates (jetls-test--xref-list items))
    (let ((start (current-buffer)))
      (call-interactively #'xref-find-definitions)
      (jetls-test--put :definition
                       (cond ((= (length items) 1)
                              (list :jumped (if (eq (current-buffer) start) :json-false t)
                                    :file (and (buffer-file-name) (file-truename (buffer-file-name)))
                                    :line (1- (line-number-at-pos))))
                             (t (list :jumped :json-false
                                      :list (jetls-test--xref-list items))))))))

;; --- Shutdown --------------------------------------------------------------------------

(jetls-test-step "shutdown"
  (with-current-buffer jetls-test-buffer
    (when (eglot-current-server)
      (eglot-shutdown (eglot-current-server)))))

(jetls-test--write)
(kill-emacs 0)
