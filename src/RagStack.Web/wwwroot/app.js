// The RagStack page: a streamed, cited chat and a document upload list, both through the web app's /api forwarding.
"use strict";

const indexInput = document.getElementById("index");
const conversation = document.getElementById("conversation");
const documentList = document.getElementById("document-list");
const uploadStatus = document.getElementById("upload-status");
let refreshTimer = null;

const currentIndex = () => indexInput.value.trim() || "default";
const documentsUrl = () => `/api/indexes/${encodeURIComponent(currentIndex())}/documents`;

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

async function problemText(response) {
  try {
    const problem = await response.json();
    return problem.detail || problem.title || `${response.status} ${response.statusText}`;
  } catch {
    return `${response.status} ${response.statusText}`;
  }
}

// Server-sent events arrive in arbitrary chunks: an event is complete at its blank line.
async function* readEvents(response) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffered += value.replaceAll("\r\n", "\n");
    let end;
    while ((end = buffered.indexOf("\n\n")) >= 0) {
      const block = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      let name = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) name = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
      }
      if (data.length > 0) yield { name, data: JSON.parse(data.join("\n")) };
    }
  }
}

function describeSource(source) {
  const citation = source.citation;
  const parts = [citation.document];
  if (citation.page) parts.push(`page ${citation.page}`);
  if (citation.section) parts.push(citation.section);
  return `[${source.number}] ${parts.join(" · ")}`;
}

async function ask(question) {
  const turn = element("div", "turn");
  turn.append(element("p", "question", question));
  const answer = element("p", "answer");
  turn.append(answer);
  conversation.append(turn);

  const response = await fetch("/api/ask", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
    body: JSON.stringify({ question, index: currentIndex() }),
  });
  if (!response.ok) {
    answer.classList.add("error");
    answer.textContent = await problemText(response);
    return;
  }

  for await (const event of readEvents(response)) {
    if (event.name === "token") {
      answer.textContent += event.data.text;
    } else if (event.name === "sources") {
      const list = element("ol", "sources");
      for (const source of event.data.sources) list.append(element("li", "", describeSource(source)));
      turn.append(list);
    } else if (event.name === "error") {
      turn.append(element("p", "error", event.data.detail || event.data.title));
    }
    conversation.scrollTop = conversation.scrollHeight;
  }
}

async function refreshDocuments() {
  clearTimeout(refreshTimer);
  const response = await fetch(documentsUrl(), { headers: { Accept: "application/json" } });
  documentList.replaceChildren();
  if (!response.ok) {
    const row = element("tr");
    row.append(element("td", "error", response.status === 404 ? "No documents in this index yet." : await problemText(response)));
    documentList.append(row);
    return;
  }

  const body = await response.json();
  const documents = Array.isArray(body) ? body : body.documents || [];
  for (const doc of documents) {
    const row = element("tr");
    row.append(element("td", "", doc.name));
    const status = element("td", `status-${doc.status}`, doc.error ? `${doc.status}: ${doc.error}` : doc.status);
    row.append(status);
    documentList.append(row);
  }
  // Documents still in the pipeline are polled until they are ready or failed.
  if (documents.some(d => d.status === "queued" || d.status === "processing")) {
    refreshTimer = setTimeout(refreshDocuments, 1500);
  }
}

document.getElementById("ask-form").addEventListener("submit", async event => {
  event.preventDefault();
  const questionInput = document.getElementById("question");
  const question = questionInput.value.trim();
  if (!question) return;
  questionInput.value = "";
  try {
    await ask(question);
  } catch (error) {
    conversation.append(element("p", "error", `The answer failed: ${error.message}`));
  }
});

document.getElementById("upload-form").addEventListener("submit", async event => {
  event.preventDefault();
  const files = document.getElementById("files").files;
  const form = new FormData();
  for (const file of files) form.append("files", file, file.name);
  uploadStatus.textContent = `Uploading ${files.length} file(s)…`;
  const response = await fetch(documentsUrl(), { method: "POST", body: form });
  uploadStatus.textContent = response.ok ? `Uploaded ${files.length} file(s).` : await problemText(response);
  event.target.reset();
  await refreshDocuments();
});

indexInput.addEventListener("change", refreshDocuments);
refreshDocuments();
