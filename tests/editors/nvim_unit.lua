-- Unit checks of editors/neovim/jetls.lua helpers (no server needed).
--   JETLS_REPO=<repo> nvim --headless --clean -c 'luafile tests/editors/nvim_unit.lua'
-- Exits 0 when all checks pass, 1 otherwise (messages on stderr).
local repo = assert(os.getenv('JETLS_REPO'), 'JETLS_REPO not set')
package.path = repo .. '/editors/neovim/?.lua;' .. package.path
local failures = {}

local function check(name, fn)
  local ok, err = pcall(fn)
  if not ok then
    table.insert(failures, name .. ': ' .. tostring(err))
  end
end

local function eq(a, b)
  if not vim.deep_equal(a, b) then
    error(('expected %s, got %s'):format(vim.inspect(b), vim.inspect(a)), 2)
  end
end

local jetls = require('jetls')
local tmp = vim.fn.resolve(vim.fn.tempname())
local function mk(p)
  vim.fn.mkdir(tmp .. '/' .. p, 'p')
end
local function touch(p)
  vim.fn.writefile({}, tmp .. '/' .. p)
end
mk('mh/definitions')
mk('mh/jetstream/outcomes/fenix')
mk('mh/opmon/definitions')
mk('mh/looker/definitions')
mk('other/src')
touch('mh/definitions/fenix.toml')
touch('mh/jetstream/outcomes/fenix/x.toml')
touch('mh/opmon/definitions/fenix.toml')
touch('other/Cargo.toml')
local mh = tmp .. '/mh'

check('find_root from experiment file', function()
  eq(jetls.find_root(mh .. '/jetstream/outcomes/fenix/x.toml'), mh)
end)
check('find_root from definitions', function()
  eq(jetls.find_root(mh .. '/definitions/fenix.toml'), mh)
end)
check('find_root climbs past opmon/definitions', function()
  eq(jetls.find_root(mh .. '/opmon/definitions/fenix.toml'), mh)
end)
check('find_root outside', function()
  eq(jetls.find_root(tmp .. '/other/Cargo.toml'), nil)
end)
check('is_relevant', function()
  eq(jetls.is_relevant(mh, mh .. '/jetstream/a.toml'), true)
  eq(jetls.is_relevant(mh, mh .. '/jetstream/outcomes/fenix/x.toml'), true)
  eq(jetls.is_relevant(mh, mh .. '/definitions/fenix.toml'), true)
  eq(jetls.is_relevant(mh, mh .. '/definitions/sub/x.toml'), false)
  eq(jetls.is_relevant(mh, mh .. '/featmon/a.toml'), true)
  eq(jetls.is_relevant(mh, mh .. '/looker/definitions/a.toml'), true)
  eq(jetls.is_relevant(mh, mh .. '/pyproject.toml'), false)
  eq(jetls.is_relevant(mh, mh .. '/jetstream/README.md'), false)
  eq(jetls.is_relevant(mh, tmp .. '/other/Cargo.toml'), false)
end)
check('build_cmd', function()
  eq(jetls.build_cmd({ cmd = { 'x', 'serve' } }), { 'x', 'serve' })
  eq(jetls.build_cmd({ cmd = 'x' }), { 'x' })
  eq(jetls.build_cmd({ python = '/venv/bin/python', args = { '-v' } }), { '/venv/bin/python', '-m', 'jetls', 'serve', '-v' })
  local expected = vim.fn.executable('jetls') == 1 and { 'jetls', 'serve' } or { 'python3', '-m', 'jetls', 'serve' }
  eq(jetls.build_cmd({}), expected)
end)
check('init_options', function()
  eq(jetls.init_options({ jetls = { platform = 'fenix' } }), { platform = 'fenix' })
  eq(jetls.init_options(nil), {})
end)
check('lsp_config (0.11 shape)', function()
  local cfg = jetls.lsp_config({ cmd = { 'jetls', 'serve' }, settings = { jetls = { platform = 'fenix' } } })
  eq(cfg.cmd, { 'jetls', 'serve' })
  eq(cfg.filetypes, { 'toml' })
  eq(cfg.settings.jetls.platform, 'fenix')
  eq(cfg.settings.jetls.sql, { enabled = true })
  eq(cfg.init_options.platform, 'fenix')
  eq(type(cfg.root_dir), 'function')
  -- root_dir calls on_dir only for metric-hub files
  vim.cmd('edit ' .. mh .. '/definitions/fenix.toml')
  local got
  cfg.root_dir(vim.api.nvim_get_current_buf(), function(r)
    got = r
  end)
  eq(got, mh)
  vim.cmd('edit ' .. tmp .. '/other/Cargo.toml')
  got = nil
  cfg.root_dir(vim.api.nvim_get_current_buf(), function(r)
    got = r
  end)
  eq(got, nil)
end)
check('lsp/jetls.lua loads', function()
  local cfg = dofile(repo .. '/editors/neovim/lsp/jetls.lua')
  eq(cfg.filetypes, { 'toml' })
  eq(type(cfg.root_dir), 'function')
  eq(type(cfg.before_init), 'function')
  local params = {}
  cfg.before_init(params, { settings = { jetls = { platform = 'fenix' } } })
  eq(params.initializationOptions, { platform = 'fenix' })
end)
check('lua/jetls.lua shim', function()
  local shim = dofile(repo .. '/editors/neovim/lua/jetls.lua')
  eq(type(shim.setup), 'function')
end)

vim.fn.delete(tmp, 'rf')
if #failures > 0 then
  io.stderr:write(table.concat(failures, '\n') .. '\n')
  vim.cmd('cquit 1')
else
  io.stdout:write('nvim unit checks passed\n')
  vim.cmd('qall!')
end
