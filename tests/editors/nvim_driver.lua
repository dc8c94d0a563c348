-- Headless Neovim driver for the jetls real-editor tests.
--
--   JETLS_EDITOR_PLAN=/tmp/plan.json nvim --headless --clean -c 'luafile tests/editors/nvim_driver.lua'
--
-- Loads the shipped set-up (editors/neovim/jetls.lua) from the repository, opens
-- the experiment config named in the plan and records, as JSON in plan.results:
--   diagnostics (vim.diagnostic.get), completion labels, the location a
--   go-to-definition jump lands on, and the hover text.
-- Every step is guarded; failures are recorded as strings in `errors`.

local plan_path = assert(os.getenv('JETLS_EDITOR_PLAN'), 'JETLS_EDITOR_PLAN not set')
local plan = vim.fn.json_decode(table.concat(vim.fn.readfile(plan_path), '\n'))
local timeout = plan.timeout_ms or 20000

local results = {
  editor = 'neovim',
  version = tostring(vim.version().major) .. '.' .. vim.version().minor .. '.' .. vim.version().patch,
  errors = {},
  steps = {},
}

local function write_results()
  vim.fn.writefile({ vim.fn.json_encode(results) }, plan.results)
end

local function step(name, fn)
  local ok, err = pcall(fn)
  results.steps[name] = ok
  if not ok then
    table.insert(results.errors, name .. ': ' .. tostring(err))
  end
  write_results()
end

-- Load the shipped module from the repository (not a private copy).
package.path = plan.repo .. '/editors/neovim/?.lua;' .. package.path
local jetls = require('jetls')
results.module_path = package.searchpath and package.searchpath('jetls', package.path) or nil

local client_id

step('setup', function()
  jetls.setup({
    cmd = plan.server_cmd,
    settings = { jetls = plan.settings },
    on_attach = function(client, _)
      client_id = client.id
    end,
  })
end)

-- Not metric-hub files: jetls must not attach.
step('no_attach_outside', function()
  results.attached_outside = {}
  for _, f in ipairs(plan.outside_files) do
    vim.cmd('edit ' .. vim.fn.fnameescape(f))
    local b = vim.api.nvim_get_current_buf()
    vim.wait(1000, function()
      return jetls.get_client(b) ~= nil
    end, 50)
    results.attached_outside[f] = jetls.get_client(b) ~= nil
  end
end)

local bufnr
step('open', function()
  vim.cmd('edit ' .. vim.fn.fnameescape(plan.file))
  bufnr = vim.api.nvim_get_current_buf()
  results.filetype = vim.bo[bufnr].filetype
  assert(
    vim.wait(timeout, function()
      local c = jetls.get_client(bufnr)
      return c ~= nil and c.initialized ~= false and c.server_capabilities ~= nil
    end, 50),
    'jetls client did not attach/initialize'
  )
  local client = jetls.get_client(bufnr)
  results.attached = true
  results.client_name = client.name
  results.root_dir = client.config.root_dir
  results.server_cmd_used = client.config.cmd
  local caps = client.server_capabilities or client.resolved_capabilities or {}
  results.capabilities = {
    completion = caps.completionProvider ~= nil or caps.completion == true,
    hover = caps.hoverProvider ~= nil and caps.hoverProvider ~= false or caps.hover == true,
    definition = caps.definitionProvider ~= nil and caps.definitionProvider ~= false or caps.goto_definition == true,
  }
end)

local function diag_code(d)
  if d.code ~= nil then
    return d.code
  end
  return d.user_data and d.user_data.lsp and d.user_data.lsp.code or nil
end

step('diagnostics', function()
  assert(bufnr, 'no buffer')
  local function collect()
    local out = {}
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      table.insert(out, {
        line = d.lnum,
        col = d.col,
        code = diag_code(d) and tostring(diag_code(d)) or vim.NIL,
        message = d.message,
        source = d.source or vim.NIL,
        severity = d.severity,
      })
    end
    return out
  end
  vim.wait(timeout, function()
    for _, d in ipairs(collect()) do
      if d.message:find(plan.bad_slug, 1, true) then
        return true
      end
    end
    return false
  end, 50)
  results.diagnostics = collect()
end)

local function position_params(pos)
  return {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = { line = pos.line, character = pos.character },
  }
end

local function request(method, params)
  local client = assert(jetls.get_client(bufnr), 'not attached')
  local done, response_err, response = false, nil, nil
  jetls.call(client, 'request', method, params, function(err, result)
    done, response_err, response = true, err, result
  end, bufnr)
  assert(vim.wait(timeout, function()
    return done
  end, 20), method .. ' timed out')
  if response_err then
    error(method .. ': ' .. vim.inspect(response_err))
  end
  return response
end

step('completion', function()
  assert(bufnr, 'no buffer')
  vim.api.nvim_win_set_cursor(0, { plan.completion.line + 1, plan.completion.character })
  local params = position_params(plan.completion)
  params.context = { triggerKind = 1 }
  local result = request('textDocument/completion', params)
  local items = result and (result.items or result) or {}
  local labels = {}
  for _, item in ipairs(items) do
    table.insert(labels, item.label)
  end
  results.completion_labels = labels
end)

step('hover', function()
  assert(bufnr, 'no buffer')
  local result = request('textDocument/hover', position_params(plan.hover))
  local text = ''
  if result and result.contents then
    local lines = vim.lsp.util.convert_input_to_markdown_lines(result.contents)
    text = table.concat(lines, '\n')
  end
  results.hover_text = text
end)

local function location_list(result)
  local out = {}
  if result == nil or result == vim.NIL then
    return out
  end
  if result.uri or result.targetUri then
    result = { result }
  end
  for _, loc in ipairs(result) do
    local uri = loc.uri or loc.targetUri
    local range = loc.range or loc.targetSelectionRange or loc.targetRange
    table.insert(out, { file = vim.fn.resolve(vim.uri_to_fname(uri)), line = range.start.line })
  end
  return out
end

step('definition', function()
  assert(bufnr, 'no buffer')
  -- What the server offers (one location: the editor jumps; several: a list).
  local raw = request('textDocument/definition', position_params(plan.definition))
  results.definition_candidates = location_list(raw)
  -- Drive the real editor command and see where the cursor lands.
  vim.api.nvim_set_current_buf(bufnr)
  vim.api.nvim_win_set_cursor(0, { plan.definition.line + 1, plan.definition.character })
  vim.fn.setqflist({}, 'r')
  local start_buf = vim.api.nvim_get_current_buf()
  vim.lsp.buf.definition()
  vim.wait(timeout, function()
    return vim.api.nvim_get_current_buf() ~= start_buf or #vim.fn.getqflist() > 0
  end, 20)
  local qf = vim.fn.getqflist()
  if #qf > 0 then
    -- Several locations: Neovim fills the quickfix list instead of jumping.
    local items = {}
    for _, item in ipairs(qf) do
      table.insert(items, { file = vim.fn.resolve(vim.api.nvim_buf_get_name(item.bufnr)), line = item.lnum - 1 })
    end
    results.definition = { jumped = false, list = items }
  elseif vim.api.nvim_get_current_buf() ~= start_buf then
    results.definition = {
      file = vim.fn.resolve(vim.api.nvim_buf_get_name(0)),
      line = vim.api.nvim_win_get_cursor(0)[1] - 1,
      jumped = true,
    }
  else
    results.definition = { jumped = false }
  end
end)

step('shutdown', function()
  local client = jetls.get_client(bufnr)
  if client then
    jetls.call(client, 'stop')
    vim.wait(3000, function()
      return jetls.call(client, 'is_stopped')
    end, 50)
  end
end)

write_results()
vim.cmd('qall!')
