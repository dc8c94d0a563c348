-- Shim so that `require('jetls')` works when editors/neovim is on 'runtimepath'
-- (e.g. lazy.nvim `dir = '/path/to/jetls/editors/neovim'`). The module itself
-- lives in ../jetls.lua.
local src = debug.getinfo(1, 'S').source:gsub('^@', '')
local dir = vim.fn.fnamemodify(src, ':p:h:h')
return dofile(dir .. '/jetls.lua')
