-- jetls: Neovim set-up for the Jetstream / metric-hub TOML language server.
--
-- Usage (any Neovim >= 0.7):
--
--   require('jetls').setup({
--     settings = { jetls = { platform = nil, sql = { enabled = true } } },
--   })
--
-- On Neovim >= 0.11 this calls vim.lsp.config('jetls', {...}) + vim.lsp.enable('jetls').
-- On 0.7 - 0.10 it installs a FileType autocmd that starts (or reuses) one client per
-- metric-hub checkout with vim.lsp.start (0.8+) or vim.lsp.start_client (0.7).
--
-- The server is attached ONLY to TOML buffers inside a metric-hub checkout: a folder
-- holding `definitions/` and/or `jetstream/`, and (by default) only to the files jetls
-- understands: jetstream/**/*.toml, definitions/*.toml, opmon/**/*.toml,
-- looker/**/*.toml, featmon/*.toml. Other TOML files (Cargo.toml, pyproject.toml) are
-- left to taplo / tombi.

local M = {}

local uv = vim.uv or vim.loop

M.name = 'jetls'

--- Folders whose presence marks a metric-hub root.
M.root_markers = { 'definitions', 'jetstream' }

--- Top-level metric-hub folders that can hold their own `definitions/`
--- (e.g. opmon/definitions); when the nearest root is one of these, climb to the parent.
M.subtree_names = { opmon = true, looker = true, featmon = true, jetstream = true, definitions = true }

M.defaults = {
  -- Server command. nil = `jetls serve` if `jetls` is executable, else
  -- `<python> -m jetls serve` with opts.python (or python3).
  cmd = nil,
  -- Python interpreter used when `jetls` is not on PATH (or always, when set and cmd is nil).
  python = nil,
  -- Extra arguments appended after `serve`.
  args = {},
  filetypes = { 'toml' },
  -- Server settings: sent as initializationOptions (the `jetls` table) and answered to
  -- workspace/configuration (section "jetls").
  settings = {
    jetls = {
      platform = nil, -- e.g. 'fenix'; nil lets the server infer it
      extraDefinitionRoots = {},
      sql = { enabled = true },
      severityOverrides = vim.empty_dict and vim.empty_dict() or {}, -- e.g. { JET201 = 'warning' }
      bigqueryEtl = nil, -- a bigquery-etl checkout: column checks and routines (see docs/columns.md)
      parserVersion = nil, -- e.g. '2026.10.2'; nil: the checkout's lib/metric-config-parser, else the newest
    },
  },
  -- Attach only to the files jetls understands (true), or to every TOML file inside
  -- a metric-hub checkout (false).
  only_relevant_files = true,
  on_attach = nil,
  capabilities = nil,
  -- Extra fields merged into the client config (handlers, flags, trace, ...).
  config = {},
}

-- ---------------------------------------------------------------------------
-- Pure helpers (exported for tests)
-- ---------------------------------------------------------------------------

--- Call a client method: `client:method(...)` on 0.11+ (dot calls are deprecated
--- there), `client.method(...)` before.
function M.call(client, method, ...)
  if vim.fn.has('nvim-0.11') == 1 then
    return client[method](client, ...)
  end
  return client[method](...)
end

local function is_dir(path)
  local stat = uv.fs_stat(path)
  return stat ~= nil and stat.type == 'directory'
end

local function dirname(path)
  if path == '/' then
    return '/'
  end
  local parent = path:gsub('[/\\]+$', ''):match('^(.*)[/\\][^/\\]*$')
  if parent == nil or parent == '' then
    return '/'
  end
  if parent:match('^%a:$') then
    return parent .. '/'
  end
  return parent
end

local function basename(path)
  return (path:gsub('[/\\]+$', ''):match('([^/\\]+)$')) or path
end

local function join(a, b)
  if a:sub(-1) == '/' then
    return a .. b
  end
  return a .. '/' .. b
end

local function normalize(path)
  if path == nil or path == '' then
    return path
  end
  local p = vim.fn.fnamemodify(path, ':p')
  p = p:gsub('\\', '/')
  if #p > 1 then
    p = p:gsub('/+$', '')
  end
  return p
end

--- Is `dir` a metric-hub root (holds definitions/ or jetstream/)?
function M.is_root(dir)
  for _, marker in ipairs(M.root_markers) do
    if is_dir(join(dir, marker)) then
      return true
    end
  end
  return false
end

--- Walk up from `path` (a file or a directory) to the metric-hub root, or nil.
function M.find_root(path)
  if path == nil or path == '' then
    return nil
  end
  local dir = normalize(path)
  if not is_dir(dir) then
    dir = dirname(dir)
  end
  while true do
    if M.is_root(dir) then
      -- opmon/ (or looker/, ...) may hold its own definitions/: the checkout is above.
      while M.subtree_names[basename(dir)] do
        local parent = dirname(dir)
        if parent == dir or not M.is_root(parent) then
          break
        end
        dir = parent
      end
      return dir
    end
    local parent = dirname(dir)
    if parent == dir then
      return nil
    end
    dir = parent
  end
end

--- Is `path` (absolute) one of the files jetls understands, relative to `root`?
function M.is_relevant(root, path)
  path = normalize(path)
  root = normalize(root)
  if path:sub(1, #root + 1) ~= root .. '/' then
    return false
  end
  local rel = path:sub(#root + 2)
  if not rel:match('%.toml$') then
    return false
  end
  local parts = vim.split(rel, '/', { plain = true })
  local top = parts[1]
  if top == 'jetstream' or top == 'opmon' or top == 'looker' then
    return #parts >= 2
  elseif top == 'definitions' or top == 'featmon' then
    return #parts == 2
  end
  return false
end

--- The root for buffer `bufnr` when jetls should attach to it, else nil.
function M.root_for_buffer(bufnr, only_relevant)
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == '' or name:match('^%a+://') then
    return nil
  end
  local root = M.find_root(name)
  if root == nil then
    return nil
  end
  if only_relevant ~= false and not M.is_relevant(root, name) then
    return nil
  end
  return root
end

--- Build the server command from options.
function M.build_cmd(opts)
  opts = opts or {}
  local args = opts.args or {}
  if opts.cmd ~= nil then
    local cmd = type(opts.cmd) == 'string' and { opts.cmd } or vim.deepcopy(opts.cmd)
    return cmd
  end
  local cmd
  if opts.python == nil and vim.fn.executable('jetls') == 1 then
    cmd = { 'jetls', 'serve' }
  else
    cmd = { opts.python or 'python3', '-m', 'jetls', 'serve' }
  end
  for _, a in ipairs(args) do
    table.insert(cmd, a)
  end
  return cmd
end

--- The `jetls` settings table, as sent in initializationOptions.
function M.init_options(settings)
  return (settings or {}).jetls or {}
end

-- ---------------------------------------------------------------------------
-- Set-up
-- ---------------------------------------------------------------------------

local function merge_opts(opts)
  return vim.tbl_deep_extend('force', vim.deepcopy(M.defaults), opts or {})
end

local function client_config(opts, root)
  local cfg = {
    name = M.name,
    cmd = M.build_cmd(opts),
    root_dir = root,
    settings = opts.settings,
    init_options = M.init_options(opts.settings),
    on_attach = opts.on_attach,
    capabilities = opts.capabilities or vim.lsp.protocol.make_client_capabilities(),
    on_init = function(client)
      -- Push the settings once more so servers that ignore initializationOptions
      -- still get them (same as nvim-lspconfig does).
      M.call(client, 'notify', 'workspace/didChangeConfiguration', { settings = opts.settings })
      return true
    end,
  }
  if root then
    cfg.workspace_folders = { { uri = vim.uri_from_fname(root), name = root } }
  end
  return vim.tbl_deep_extend('force', cfg, opts.config or {})
end

--- Client ids per root (0.7 path, where vim.lsp.start does not exist).
local clients_by_root = {}

local function start_legacy(bufnr, opts, root)
  local id = clients_by_root[root]
  local client = id and vim.lsp.get_client_by_id(id)
  if client == nil or M.call(client, 'is_stopped') then
    id = vim.lsp.start_client(client_config(opts, root))
    if id == nil then
      vim.notify('jetls: could not start ' .. table.concat(M.build_cmd(opts), ' '), vim.log.levels.ERROR)
      return nil
    end
    clients_by_root[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

--- Attach jetls to `bufnr` if it belongs to a metric-hub checkout (0.7 - 0.10 path).
function M.attach(bufnr, opts)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  opts = opts or M._opts or merge_opts({})
  local root = M.root_for_buffer(bufnr, opts.only_relevant_files)
  if root == nil then
    return nil
  end
  if vim.lsp.start then
    return vim.lsp.start(client_config(opts, root), { bufnr = bufnr })
  end
  return start_legacy(bufnr, opts, root)
end

--- Neovim >= 0.11 config table for vim.lsp.config('jetls', ...).
function M.lsp_config(opts)
  opts = merge_opts(opts)
  local cfg = client_config(opts, nil)
  cfg.name = nil
  cfg.root_dir = function(bufnr, on_dir)
    local root = M.root_for_buffer(bufnr, opts.only_relevant_files)
    if root then
      on_dir(root)
    end
  end
  cfg.workspace_folders = nil
  cfg.filetypes = opts.filetypes
  return cfg
end

function M.setup(opts)
  opts = merge_opts(opts)
  M._opts = opts
  if vim.fn.has('nvim-0.11') == 1 and vim.lsp.config and vim.lsp.enable then
    vim.lsp.config(M.name, M.lsp_config(opts))
    vim.lsp.enable(M.name)
    return
  end
  local group = vim.api.nvim_create_augroup('jetls', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = opts.filetypes,
    callback = function(args)
      M.attach(args.buf, opts)
    end,
    desc = 'jetls: attach to metric-hub TOML files',
  })
  -- Buffers already open when setup() runs.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(opts.filetypes, vim.bo[bufnr].filetype) then
      M.attach(bufnr, opts)
    end
  end
end

--- The jetls client attached to `bufnr`, or nil.
function M.get_client(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = bufnr, name = M.name })[1]
  end
  for _, client in pairs(vim.lsp.buf_get_clients(bufnr)) do
    if client.name == M.name then
      return client
    end
  end
  return nil
end

--- Ask the server for the rendered SQL of the metric, segment or data source under the cursor
--- (or at `uri`/`position`, from a code lens) and show it in a scratch `sql` buffer (server
--- command `jetls.renderedSql`).
function M.show_rendered_sql(uri, position, bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local client = M.get_client(bufnr)
  if client == nil then
    vim.notify('jetls: not attached to this buffer', vim.log.levels.WARN)
    return
  end
  if uri == nil or position == nil then
    local pos = vim.lsp.util.make_position_params(0, client.offset_encoding or 'utf-16')
    uri, position = pos.textDocument.uri, pos.position
  end
  local params = { command = 'jetls.renderedSql', arguments = { uri, position } }
  M.call(client, 'request', 'workspace/executeCommand', params, function(err, result)
    if err then
      vim.notify('jetls: ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
      return
    end
    if type(result) ~= 'table' or type(result.sql) ~= 'string' then
      vim.notify('jetls: no metric under the cursor', vim.log.levels.INFO)
      return
    end
    vim.cmd('vnew')
    local buf = vim.api.nvim_get_current_buf()
    vim.bo[buf].buftype = 'nofile'
    vim.bo[buf].bufhidden = 'wipe'
    local lines = { '-- jetls: rendered SQL of `' .. tostring(result.metric or '') .. '`', '' }
    vim.list_extend(lines, vim.split(result.sql, '\n', { plain = true }))
    vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
    vim.bo[buf].filetype = 'sql'
  end, bufnr)
end

-- Commands of jetls's code lenses (run with `vim.lsp.codelens.run()`; lenses are shown by
-- `vim.lsp.codelens.refresh()`, see README).
vim.lsp.commands['jetls.showRenderedSql'] = function(command, ctx)
  local args = command.arguments or {}
  M.show_rendered_sql(args[1], args[2], ctx.bufnr)
end

vim.lsp.commands['jetls.showReferences'] = function(command, ctx)
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  local locations = (command.arguments or {})[3] or {}
  local items = vim.lsp.util.locations_to_items(locations, client and client.offset_encoding or 'utf-16')
  vim.fn.setqflist({}, ' ', { title = 'jetls: ' .. command.title, items = items })
  vim.cmd('copen')
end

pcall(vim.api.nvim_create_user_command, 'JetlsRenderedSql', function()
  M.show_rendered_sql()
end, { desc = 'jetls: show the rendered SQL of the metric under the cursor' })

return M
