-- Drives `flowc lsp` through Neovim's built-in client, headless, and writes
-- what Neovim did to $FLOWC_ROOT/out.json for tests/test_neovim.py to judge.
-- Each step uses the client the way a user's key press does: the omnifunc
-- for completion, vim.lsp.buf.* for code actions and rename.
local root = vim.env.FLOWC_ROOT
local out = {}
local WAIT = 60000 -- a guard against a server that never answers, not a measurement

local function line(n) return vim.api.nvim_buf_get_lines(0, n - 1, n, false)[1] end

vim.cmd('edit ' .. root .. '/main.flow')
local buf = vim.api.nvim_get_current_buf()
local id = vim.lsp.start_client({
  cmd = { vim.env.FLOWC_PYTHON, '-m', 'flowc.cli', 'lsp' },
  root_dir = root,
  name = 'flowc',
})
vim.lsp.buf_attach_client(buf, id)

-- Diagnostics arrive, with their place.
vim.wait(WAIT, function() return #vim.diagnostic.get(buf) > 0 end, 50)
out.diagnostics = {}
for _, d in ipairs(vim.diagnostic.get(buf)) do
  table.insert(out.diagnostics, { d.lnum, d.col, d.end_col, d.message })
end

-- Completion after `-> billing.st`, as <C-x><C-o> does it: Neovim's own
-- omnifunc picks the start of the word and the text to insert.
local row = 6
local text = line(row)
local cursor = text:find(' #') - 1 -- on the blank after `st`: the word ends here
vim.api.nvim_win_set_cursor(0, { row, cursor })
-- The omnifunc answers in insert mode, by calling complete(): stand in for
-- both, to see the column and the words Neovim would insert.
local completed = nil
local complete, mode = vim.fn.complete, vim.fn.mode
vim.fn.complete = function(col, items) completed = { col = col, items = items } end
vim.fn.mode = function() return 'i' end
vim.lsp.omnifunc(1, '')
vim.wait(WAIT, function() return completed ~= nil end, 50)
vim.fn.complete, vim.fn.mode = complete, mode
out.completion = { words = {} }
for _, item in ipairs(completed.items) do
  table.insert(out.completion.words, item.word)
  if item.abbr == 'billing.start' then
    -- complete() replaces the text from its column to the cursor with the word
    out.completion.line = text:sub(1, completed.col - 1) .. item.word .. text:sub(cursor + 1)
  end
end

-- Hover on the step reference `handle` of line 4.
local function params_at(r, c)
  return { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = r - 1, character = c } }
end
local col = line(4):find('handle') -- 1-based: the character after the first of the name
local hover = vim.lsp.buf_request_sync(buf, 'textDocument/hover', params_at(4, col), WAIT)
out.hover = hover[id].result.contents.value

-- Go to definition: the client jumps to `step handle:`.
vim.api.nvim_win_set_cursor(0, { 4, col })
vim.lsp.buf.definition()
vim.wait(WAIT, function() return vim.api.nvim_win_get_cursor(0)[1] ~= 4 end, 50)
out.definition = vim.api.nvim_win_get_cursor(0)

-- The quick fix of `maxLength 20`, applied as the user's choice of it.
vim.api.nvim_win_set_cursor(0, { 9, 14 })
-- The user picks the first action of the list the client offers.
out.actions = {}
vim.ui.select = function(items, _, choose)
  for _, item in ipairs(items) do
    table.insert(out.actions, item[2].title)
  end
  choose(items[1], 1)
end
vim.lsp.buf.code_action({ only = { 'quickfix' } })
vim.wait(WAIT, function() return not line(9):find('maxLength') end, 50)
out.fixed = line(9)

-- Rename the step `handle` everywhere in the buffer.
vim.api.nvim_win_set_cursor(0, { 8, 6 })
vim.lsp.buf.rename('after')
vim.wait(WAIT, function() return line(8) ~= 'step handle:' end, 50)
out.renamed = { line(4), line(8) }

local f = io.open(root .. '/out.json', 'w')
f:write(vim.fn.json_encode(out))
f:close()
vim.lsp.stop_client(id)
vim.cmd('qa!')
