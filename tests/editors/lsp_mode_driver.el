;;; lsp_mode_driver.el --- Headless Emacs/lsp-mode driver for the jetls real-editor tests  -*- lexical-binding: t; -*-

;; JETLS_EDITOR_PLAN=/tmp/plan.json emacs --batch -Q -l tests/editors/lsp_mode_driver.el
;;
;; Same plan and results format as emacs_driver.el, but through lsp-mode with
;; jetls registered as an add-on client (`jetls-lsp-mode-setup').

(require 'cl-lib)
(require 'json)
(require 'subr-x)

(defvar jetls-test-plan
  (let ((json-object-type 'plist) (json-array-type 'list) (json-key-type 'keyword))
    (json-read-file (or (getenv "JETLS_EDITOR_PLAN") (error "JETLS_EDITOR_PLAN not set")))))

(defun jetls-test--plan (key) (plist-get jetls-test-plan key))

(defvar jetls-test-timeout (/ (or (jetls-test--plan :timeout_ms) 20000) 1000.0))
(defvar jetls-test-results (list :editor "emacs-lsp-mode" :version emacs-version))
(defvar jetls-test-errors nil)
(defvar jetls-test-steps nil)

(defun jetls-test--put (key value)
  (setq jetls-test-results (plist-put jetls-test-results key value)))

(defun jetls-test--write ()
  (let ((out (append jetls-test-results
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
  (let ((deadline (+ (float-time) (or timeout jetls-test-timeout))) value)
    (while (and (not (setq value (funcall pred))) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    value))

(defun jetls-test--goto (pos)
  (goto-char (point-min))
  (forward-line (plist-get pos :line))
  (forward-char (plist-get pos :character)))

;; --- Load lsp-mode and the shipped set-up -----------------------------------------------

(add-to-list 'load-path (expand-file-name "editors/emacs" (jetls-test--plan :repo)))
(dolist (dir (file-expand-wildcards "/usr/share/emacs/site-lisp/elpa/*"))
  (add-to-list 'load-path dir))
(when (require 'package nil t)
  (ignore-errors (package-initialize)))

(setq lsp-auto-guess-root t
      lsp-session-file (expand-file-name "lsp-session" (or (getenv "HOME") temporary-file-directory))
      lsp-restart 'ignore
      lsp-keep-workspace-alive nil
      lsp-enable-snippet nil
      lsp-modeline-code-actions-enable nil
      lsp-modeline-diagnostics-enable nil
      lsp-modeline-workspace-status-enable nil
      lsp-headerline-breadcrumb-enable nil
      lsp-diagnostics-provider :none
      lsp-enable-file-watchers nil)

(jetls-test-step "setup"
  (unless (require 'lsp-mode nil t) (error "lsp-mode is not installed"))
  (require 'lsp-completion nil t)
  (require 'jetls)
  (jetls-test--put :module_path (locate-library "jetls"))
  (jetls-test--put :lsp_mode_library (locate-library "lsp-mode"))
  (setq jetls-server-command (jetls-test--plan :server_cmd)
        jetls-platform (plist-get (jetls-test--plan :settings) :platform))
  (jetls-lsp-mode-setup))

(defun jetls-test--jetls-workspace ()
  (cl-find-if (lambda (w) (and (eq (lsp--client-server-id (lsp--workspace-client w)) 'jetls)
                               (eq (lsp--workspace-status w) 'initialized)))
              (lsp-workspaces)))

;; --- Not metric-hub files ----------------------------------------------------------------

(jetls-test-step "no_attach_outside"
  (let (outside)
    (dolist (f (jetls-test--plan :outside_files))
      (with-current-buffer (find-file-noselect f)
        (ignore-errors (lsp))
        (jetls-test--wait #'jetls-test--jetls-workspace 1.0)
        (push (cons (intern f) (if (jetls-test--jetls-workspace) t :json-false)) outside)))
    (jetls-test--put :attached_outside outside)))

;; --- Open the experiment config ------------------------------------------------------

(defvar jetls-test-buffer nil)

(jetls-test-step "open"
  (setq jetls-test-buffer (find-file-noselect (jetls-test--plan :file)))
  (set-buffer jetls-test-buffer)
  (switch-to-buffer jetls-test-buffer)
  (jetls-test--put :major_mode (symbol-name major-mode))
  (lsp)
  (unless (jetls-test--wait #'jetls-test--jetls-workspace)
    (error "lsp-mode did not start jetls"))
  (jetls-test--put :attached t)
  (jetls-test--put :project_root (lsp-workspace-root)))

(jetls-test-step "diagnostics"
  (with-current-buffer jetls-test-buffer
    (let* ((slug (jetls-test--plan :bad_slug))
           (get (lambda () (gethash (buffer-file-name) (lsp-diagnostics t)))))
      (jetls-test--wait (lambda ()
                          (cl-some (lambda (d) (string-match-p (regexp-quote slug) (lsp:diagnostic-message d)))
                                   (funcall get))))
      (jetls-test--put :diagnostics
                       (vconcat
                        (mapcar (lambda (d)
                                  (list :line (lsp:position-line (lsp:range-start (lsp:diagnostic-range d)))
                                        :message (lsp:diagnostic-message d)
                                        :code (let ((c (lsp:diagnostic-code? d))) (and c (format "%s" c)))))
                                (funcall get)))))))

(jetls-test-step "completion"
  (with-current-buffer jetls-test-buffer
    (jetls-test--goto (jetls-test--plan :completion))
    (let ((capf (lsp-completion-at-point)))
      (unless capf (error "lsp-completion-at-point returned nil"))
      (jetls-test--put :completion_labels
                       (vconcat (mapcar #'substring-no-properties (all-completions "" (nth 2 capf))))))))

(jetls-test-step "hover"
  (with-current-buffer jetls-test-buffer
    (jetls-test--goto (jetls-test--plan :hover))
    (let* ((res (lsp-request "textDocument/hover" (lsp--text-document-position-params)))
           (contents (and res (lsp:hover-contents res))))
      (jetls-test--put :hover_text
                       (if contents
                           (substring-no-properties (lsp--render-on-hover-content contents t))
                         "")))))

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
  (let* ((items (xref-backend-definitions 'xref-lsp (xref-backend-identifier-at-point 'xref-lsp))))
    (jetls-test--put :definition_candidates (jetls-test--xref-list items))
    (let ((start (current-buffer)))
      (lsp-find-definition)
      (jetls-test--put :definition
                       (cond ((= (length items) 1)
                              (list :jumped (if (eq (current-buffer) start) :json-false t)
                                    :file (and (buffer-file-name) (file-truename (buffer-file-name)))
                                    :line (1- (line-number-at-pos))))
                             (t (list :jumped :json-false
                                      :list (jetls-test--xref-list items))))))))

(jetls-test-step "shutdown"
  (with-current-buffer jetls-test-buffer
    (ignore-errors (lsp-workspace-shutdown (jetls-test--jetls-workspace)))))

(jetls-test--write)
(kill-emacs 0)
