-- Neovim >= 0.11 runtimepath config for jetls (the same shape nvim-lspconfig ships
-- in its lsp/ folder). With editors/neovim on 'runtimepath', enable it with:
--
--   vim.lsp.enable('jetls')
--
-- and override settings with vim.lsp.config('jetls', { settings = { jetls = {...} } }).
-- Attaches only to the jetls files of a metric-hub checkout (a folder holding
-- definitions/ and/or jetstream/).

local subtree = { opmon = true, looker = true, featmon = true, jetstream = true, definitions = true }

local function is_dir(p)
  local s = vim.uv.fs_stat(p)
  return s ~= nil and s.type == 'directory'
end

local function is_root(dir)
  return is_dir(dir .. '/definitions') or is_dir(dir .. '/jetstream')
end

local function relevant(root, file)
  local rel = file:sub(#root + 2)
  local parts = vim.split(rel, '/', { plain = true })
  if not rel:match('%.toml$') then
    return false
  end
  if parts[1] == 'jetstream' or parts[1] == 'opmon' or parts[1] == 'looker' then
    return #parts >= 2
  end
  if parts[1] == 'definitions' or parts[1] == 'featmon' then
    return #parts == 2
  end
  return false
end

return {
  cmd = vim.fn.executable('jetls') == 1 and { 'jetls', 'serve' } or { 'python3', '-m', 'jetls', 'serve' },
  filetypes = { 'toml' },
  root_dir = function(bufnr, on_dir)
    local file = vim.fs.normalize(vim.api.nvim_buf_get_name(bufnr))
    if file == '' then
      return
    end
    local root = vim.fs.root(bufnr, { 'definitions', 'jetstream' })
    if root == nil then
      return
    end
    root = vim.fs.normalize(root)
    while subtree[vim.fs.basename(root)] and is_root(vim.fs.dirname(root)) do
      root = vim.fs.dirname(root)
    end
    if relevant(root, file) then
      on_dir(root)
    end
  end,
  settings = {
    jetls = {
      extraDefinitionRoots = {},
      sql = { enabled = true },
      severityOverrides = vim.empty_dict(),
      -- bigqueryEtl = '~/src/bigquery-etl', -- table schemas and routines (docs/columns.md)
    },
  },
  -- initializationOptions mirror settings.jetls (after any vim.lsp.config overrides).
  before_init = function(params, config)
    params.initializationOptions = (config.settings or {}).jetls
  end,
  on_init = function(client)
    client:notify('workspace/didChangeConfiguration', { settings = client.config.settings })
  end,
}
