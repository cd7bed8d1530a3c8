// The coding workspace in the browser: code the selected text, and review suggestions with
// the keyboard (j next, k previous, a accept, r reject), through the JSON API. Everything it
// does can also be done with the page's forms, without this script.
//
// Offsets are Unicode code points into the source's text, as the store counts them. The text
// is drawn as pieces (<span data-s> or <mark data-s>), each holding one text node that starts
// at the code point in data-s. Speaker names, code tags and links are outside the pieces
// (data-label), so they never count. JavaScript strings count UTF-16 units, so an emoji is
// two of them but one code point: lengths are counted with the string iterator.

const workspace = document.getElementById("workspace");
const announcer = document.getElementById("workspace-announcer");
const csrf = document.querySelector('meta[name="csrf-token"]')?.content ?? "";
let chosen = null; // {start, end, quote} of the latest selection in the text
let current = null; // id of the suggestion being reviewed

function codePoints(text) {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

function pieceOf(node) {
  const parent = node.nodeType === Node.TEXT_NODE ? node.parentElement : null;
  return parent && parent.hasAttribute("data-s") ? parent : null;
}

// The code-point offset of a boundary point (node, offset) of the selection. A point inside a
// piece's text is exact; a point elsewhere (on a speaker name or tag, between blocks) moves to
// the start of the next piece (for a start) or the end of the previous one (for an end).
function offsetAt(node, offset, edge) {
  const piece = pieceOf(node);
  if (piece) return Number(piece.dataset.s) + codePoints(node.data.slice(0, offset));
  const probe = document.createRange();
  probe.setStart(node, offset);
  const pieces = workspace.querySelectorAll("#source-text [data-s]");
  if (edge === "start") {
    for (const p of pieces) {
      if (probe.comparePoint(p, 0) >= 0) return Number(p.dataset.s);
    }
    return null;
  }
  let found = null;
  for (const p of pieces) {
    if (probe.comparePoint(p, 0) < 0) found = p;
    else break;
  }
  return found ? Number(found.dataset.s) + codePoints(found.textContent) : null;
}

function readSelection() {
  const text = document.getElementById("source-text");
  const selection = document.getSelection();
  if (!text || !selection || selection.isCollapsed || selection.rangeCount === 0) return;
  const range = selection.getRangeAt(0);
  if (!text.contains(range.commonAncestorContainer)) return;
  const start = offsetAt(range.startContainer, range.startOffset, "start");
  const end = offsetAt(range.endContainer, range.endOffset, "end");
  if (start === null || end === null || end <= start) return;
  chosen = { start, end, quote: selection.toString().trim() };
  showChosen();
}

function showChosen() {
  const form = document.getElementById("code-selection");
  if (!form) return;
  const preview = document.getElementById("selection-preview");
  const button = form.querySelector("button");
  if (chosen) {
    const quote = chosen.quote.length > 160 ? `${chosen.quote.slice(0, 160)}…` : chosen.quote;
    preview.textContent = `Selected: “${quote}”`;
    form.elements.start.value = chosen.start;
    form.elements.end.value = chosen.end;
    button.disabled = false;
    button.removeAttribute("aria-disabled");
  } else {
    preview.textContent = "Select words in the text to code them.";
    button.disabled = true;
    button.setAttribute("aria-disabled", "true");
  }
}

function say(message) {
  announcer.textContent = "";
  window.setTimeout(() => {
    announcer.textContent = message;
  }, 50);
}

function showProblem(message) {
  workspace.querySelector(".app-script-error")?.remove();
  const summary = document.createElement("div");
  summary.className = "govuk-error-summary app-script-error";
  summary.setAttribute("tabindex", "-1");
  const title = document.createElement("h2");
  title.className = "govuk-error-summary__title";
  title.textContent = "There is a problem";
  const body = document.createElement("p");
  body.className = "govuk-body govuk-!-margin-bottom-0";
  body.textContent = message.charAt(0).toUpperCase() + message.slice(1);
  summary.append(title, body);
  workspace.prepend(summary);
  say(body.textContent);
}

async function call(method, path, body) {
  const response = await fetch(workspace.dataset.api + path, {
    method,
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
    body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.detail || `the server answered ${response.status}`);
  return data;
}

// Redraw the workspace from the server, keeping the chosen code and the reviewing position.
async function refresh() {
  const select = document.getElementById("selection-code");
  const code = select ? select.value : "";
  const response = await fetch(workspace.dataset.page, { headers: { "HX-Request": "true" } });
  if (!response.ok) return;
  workspace.innerHTML = await response.text();
  const again = document.getElementById("selection-code");
  if (again) again.value = code;
  if (window.htmx) window.htmx.process(workspace);
}

async function applyCode(event) {
  event.preventDefault();
  const form = event.target;
  const code = form.elements["selection-code"].value;
  if (!code) {
    showProblem("choose a code to apply");
    form.elements["selection-code"].focus();
    return;
  }
  if (!chosen) return;
  try {
    const coding = await call("POST", "/codings", { code, start: chosen.start, end: chosen.end });
    const name = coding.code.split("/").pop();
    chosen = null;
    document.getSelection()?.removeAllRanges();
    await refresh();
    say(`Coded as ${name}.`);
  } catch (error) {
    showProblem(error.message);
  }
}

function suggestions() {
  return [...workspace.querySelectorAll(".app-suggestion")];
}

function review(index, before = "") {
  const items = suggestions();
  if (items.length === 0) {
    current = null;
    say("No suggestions left to review.");
    return;
  }
  const item = items[Math.max(0, Math.min(index, items.length - 1))];
  for (const other of items) other.classList.remove("app-suggestion--current");
  item.classList.add("app-suggestion--current");
  current = item.dataset.id;
  for (const mark of workspace.querySelectorAll("#source-text mark")) {
    const ids = mark.dataset.codings.split(" ");
    mark.classList.toggle("app-coded--current", ids.includes(current));
  }
  item.focus();
  document.getElementById(`c-${current}`)?.scrollIntoView({ block: "center" });
  item.scrollIntoView({ block: "nearest" });
  const quote = item.querySelector(".app-quote")?.textContent ?? "";
  const place = items.indexOf(item) + 1;
  say(
    `${before}Suggestion ${place} of ${items.length}: ${item.dataset.code}, ` +
      `${item.dataset.confidence} confident. “${quote}”. Press a to accept, r to reject.`,
  );
}

async function decide(status) {
  const items = suggestions();
  const index = items.findIndex((item) => item.dataset.id === current);
  if (index < 0) {
    say("Press j to choose a suggestion first.");
    return;
  }
  const item = items[index];
  try {
    await call("PUT", `/suggestions/${item.dataset.id}`, {
      status,
      version: Number(item.dataset.version),
    });
  } catch (error) {
    await refresh();
    showProblem(error.message);
    return;
  }
  const verb = status === "accepted" ? "Accepted" : "Rejected";
  await refresh();
  const left = suggestions();
  if (left.length === 0) {
    current = null;
    say(`${verb} ${item.dataset.code}. No suggestions left to review.`);
    return;
  }
  review(index, `${verb} ${item.dataset.code}. `);
}

function onKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target.closest && target.closest("input, select, textarea, button, [contenteditable]")) {
    return;
  }
  const items = suggestions();
  const index = items.findIndex((item) => item.dataset.id === current);
  if (event.key === "j") {
    event.preventDefault();
    review(index + 1);
  } else if (event.key === "k") {
    event.preventDefault();
    review(index < 0 ? 0 : index - 1);
  } else if (event.key === "a" || event.key === "r") {
    event.preventDefault();
    decide(event.key === "a" ? "accepted" : "rejected");
  }
}

if (workspace) {
  document.addEventListener("selectionchange", () => window.requestAnimationFrame(readSelection));
  workspace.addEventListener("submit", (event) => {
    if (event.target.id === "code-selection") applyCode(event);
  });
  workspace.addEventListener("focusin", (event) => {
    const item = event.target.closest?.(".app-suggestion");
    if (item) current = item.dataset.id;
  });
  document.addEventListener("keydown", onKey);
  // when background suggestions finish, show them without a reload
  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (event.target.querySelector?.("[data-finished]") || event.target.matches?.("#suggest-progress")) {
      if (workspace.querySelector("#suggest-progress [data-finished]")) refresh();
    }
  });
}
