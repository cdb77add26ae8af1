-- Drives the sdprompt language server from Neovim's built-in LSP client (headless), as a user's
-- editor would: open a prompt file, receive diagnostics, complete a LoRA name, format the file.
-- Works on Neovim 0.7 (Debian bookworm): vim.lsp.start_client + buf_attach_client.
-- Inputs come from the environment; the results are written as JSON to SDPROMPT_E2E_OUT.
local out_path = os.getenv('SDPROMPT_E2E_OUT')
local file = os.getenv('SDPROMPT_E2E_FILE')
local result = { steps = {} }

local function finish()
  local handle = io.open(out_path, 'w')
  handle:write(vim.fn.json_encode(result))
  handle:close()
  vim.cmd('qall!')
end

local ok, err = pcall(function()
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.bo[bufnr].filetype = 'sdprompt'
  local client_id = vim.lsp.start_client({
    name = 'sdprompt',
    cmd = { os.getenv('SDPROMPT_E2E_NODE'), os.getenv('SDPROMPT_E2E_CLI'), 'lsp', '--stdio' },
    root_dir = vim.fn.fnamemodify(file, ':h'),
    -- Neovim 0.7 does not offer workspace/configuration: the server reads initializationOptions.
    init_options = { loraFolders = { os.getenv('SDPROMPT_E2E_LORAS') } },
  })
  assert(client_id, 'the client did not start')
  vim.lsp.buf_attach_client(bufnr, client_id)
  local client = vim.lsp.get_client_by_id(client_id)
  assert(vim.wait(15000, function() return client.initialized end, 20), 'the server did not initialize')
  result.server = client.server_capabilities and 'initialized' or 'no capabilities'

  -- 1. Diagnostics arrive by themselves.
  local got = vim.wait(15000, function() return #vim.diagnostic.get(bufnr) > 0 end, 20)
  result.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(result.diagnostics, { code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code), message = d.message, lnum = d.lnum, col = d.col })
  end
  table.insert(result.steps, got and 'diagnostics' or 'no diagnostics')

  -- 2. Complete a LoRA name after `<lora:JL` on line 2 and apply the chosen item.
  local line = vim.api.nvim_buf_get_lines(bufnr, 1, 2, false)[1]
  local col = #line
  local params = { textDocument = { uri = vim.uri_from_bufnr(bufnr) }, position = { line = 1, character = col } }
  local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/completion', params, 10000)
  local items = {}
  for _, response in pairs(responses or {}) do
    local list = response.result or {}
    items = list.items or list
  end
  result.completion = {}
  local chosen
  for _, item in ipairs(items) do
    table.insert(result.completion, item.label)
    if item.label == 'JL_sectionplan' then chosen = item end
  end
  if chosen then
    vim.lsp.util.apply_text_edits({ chosen.textEdit }, bufnr, 'utf-16')
    table.insert(result.steps, 'completed')
  end
  result.after_completion = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)

  -- 3. Format the document through the server (Neovim 0.7 API) and apply its edits.
  vim.lsp.buf.formatting_sync(nil, 10000)
  result.after_formatting = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  table.insert(result.steps, 'formatted')

  vim.lsp.stop_client(client_id)
end)
if not ok then result.error = tostring(err) end
finish()
