// The ProcOS workbench: one page over /api/*. Everything shown that came from the server is set as text
// (textContent, SVG text through bpmn-js), never parsed as HTML, so no process, variable or tool output can
// put markup or script into the page; the server's Content-Security-Policy keeps it to this host besides.

const TOKEN_KEY = 'procos.token';
const STATES = ['waiting', 'running', 'done', 'failed', 'retried', 'cancelled'];
const CAMUNDA_NS = 'http://camunda.org/schema/1.0/bpmn';

let token = sessionStorage.getItem(TOKEN_KEY);
let cleanup = () => {};

// ---- small helpers ---------------------------------------------------------------------------------------

/** An element with attributes and children; strings become text nodes. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const $ = (sel, root = document) => root.querySelector(sel);
const view = () => $('#view');

function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return isNaN(d) ? String(iso) : d.toLocaleString();
}

function pretty(value) {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value, null, 2);
  } catch (e) {
    return String(value);
  }
}

function debounce(fn, ms) {
  let t = null;
  return (...args) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...args), ms);
  };
}

class ApiError extends Error {
  constructor(status, body) {
    super(typeof body === 'object' && body && body.error ? body.error : `HTTP ${status}: ${String(body).slice(0, 300)}`);
    this.status = status;
    this.problems = (body && body.problems) || [];
    this.elements = (body && body.elements) || [];
  }
}

async function api(path, { method = 'GET', body, type } = {}) {
  const headers = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
  let payload;
  if (body !== undefined) {
    headers['Content-Type'] = type || 'application/json';
    payload = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const res = await fetch(path, { method, headers, body: payload, credentials: 'omit' });
  const ct = res.headers.get('content-type') || '';
  const data = ct.includes('json') ? await res.json().catch(() => ({})) : await res.text();
  if (res.status === 401) {
    signOut('The token was not accepted: enter the one in conf/api-token.');
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

function errorBox(e) {
  return h('div', { class: 'problems', role: 'alert' },
    h('strong', {}, e.message || String(e)),
    e.problems && e.problems.length ? h('ul', {}, e.problems.map((p) => h('li', {}, p))) : null);
}

// ---- live events (server-sent, read with fetch so the token goes in a header) ----------------------------

const subscribers = new Set();
let events = null;

function subscribe(fn) {
  subscribers.add(fn);
  return () => subscribers.delete(fn);
}

function setLive(on) {
  const el = $('#live');
  el.textContent = on ? 'live' : 'offline';
  el.classList.toggle('on', on);
}

async function connectEvents() {
  if (events) return;
  const controller = new AbortController();
  events = controller;
  let delay = 1000;
  while (events === controller) {
    try {
      const res = await fetch('/api/events', {
        headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' },
        signal: controller.signal,
        credentials: 'omit',
      });
      if (!res.ok) throw new Error(`events: HTTP ${res.status}`);
      setLive(true);
      delay = 1000;
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          let type = 'message';
          let data = '';
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) type = line.slice(6).trim();
            else if (line.startsWith('data:')) data += line.slice(5).trim();
          }
          if (!data) continue;
          let parsed;
          try {
            parsed = JSON.parse(data);
          } catch (e) {
            continue;
          }
          for (const fn of [...subscribers]) {
            try {
              fn(type, parsed);
            } catch (e) {
              console.warn('event handler failed', e);
            }
          }
        }
      }
    } catch (e) {
      if (controller.signal.aborted) return;
    }
    setLive(false);
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 10000);
  }
}

function stopEvents() {
  if (events) events.abort();
  events = null;
  setLive(false);
}

// ---- sign in ---------------------------------------------------------------------------------------------

function signOut(reason) {
  sessionStorage.removeItem(TOKEN_KEY);
  token = null;
  stopEvents();
  $('#signout').hidden = true;
  $('#signin').hidden = false;
  $('#signin-error').textContent = reason || '';
  $('#token').focus();
}

async function signIn(candidate) {
  token = candidate;
  try {
    await api('/api/health', { method: 'OPTIONS' }); // the token is checked; nothing else is asked
  } catch (e) {
    if (e.status !== 401) $('#signin-error').textContent = e.message; // on 401 signOut said why
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, candidate);
  $('#signin').hidden = true;
  $('#signout').hidden = false;
  connectEvents();
  route();
}

// ---- diagrams --------------------------------------------------------------------------------------------

function newViewer(container) {
  return new window.BpmnNavigatedViewer({ container });
}

function newModeler(container) {
  return new window.BpmnJS({ container });
}

/** The state class for a task as the instance view reports it. */
function stateOf(task) {
  switch (task.status) {
    case 'COMPLETED': return 'done';
    case 'FAILED': return 'failed';
    case 'RUNNING': return 'running';
    case 'RETRYING': return 'retried';
    case 'CANCELLED': return 'cancelled';
    default: return 'waiting';
  }
}

function legend() {
  return h('div', { class: 'legend', 'aria-label': 'Task states' },
    STATES.map((s) => h('span', { class: `badge s-${s}` }, s)));
}

// ---- views -----------------------------------------------------------------------------------------------

const views = {
  ask: askView,
  processes: processesView,
  edit: editView,
  instances: instancesView,
  instance: instanceView,
  tools: toolsView,
  memory: memoryView,
};

function route() {
  if (!token) {
    signOut();
    return;
  }
  const [, name = 'ask', ...rest] = (location.hash || '#/ask').split('/');
  const param = rest.length ? decodeURIComponent(rest.join('/')) : undefined;
  const render = views[name] || askView;
  for (const a of document.querySelectorAll('nav a[data-view]')) {
    const current = a.dataset.view === name || (name === 'edit' && a.dataset.view === 'processes')
      || (name === 'instance' && a.dataset.view === 'instances');
    if (current) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  try {
    cleanup();
  } catch (e) {
    console.warn(e);
  }
  cleanup = () => {};
  const root = view();
  root.replaceChildren();
  const done = render(root, param);
  Promise.resolve(done).then((c) => {
    if (typeof c === 'function') cleanup = c;
  }).catch((e) => root.append(errorBox(e)));
}

// Ask: words in, a process out, run and watched

function askView(root) {
  const text = h('textarea', { id: 'ask-text', name: 'text', rows: 4, required: true,
    placeholder: 'For example: Write the text "hello" into the file notes/hello.txt, then list the files in notes' });
  const result = h('div', { id: 'ask-result' });
  const run = h('button', { type: 'submit', id: 'ask-run' }, 'Run');
  let stop = () => {};
  const form = h('form', {
    onsubmit: async (ev) => {
      ev.preventDefault();
      if (!text.value.trim()) return;
      run.disabled = true;
      stop();
      result.replaceChildren(h('p', { class: 'muted' }, 'Making a process of it…'));
      try {
        const started = await api('/api/das/commands', { method: 'POST', body: { text: text.value } });
        result.replaceChildren(
          h('p', { class: 'notice' }, started.explanation || '', ' ',
            h('a', { href: `#/instance/${encodeURIComponent(started.id)}` }, 'Open this instance')),
          h('p', { class: 'muted' }, `Generated by ${started.generator || 'the assistant'} as ${started.processKey}.`));
        const panel = h('div');
        result.append(panel);
        stop = await instancePanel(panel, started.id, started.bpmn);
      } catch (e) {
        result.replaceChildren(errorBox(e));
      } finally {
        run.disabled = false;
      }
    },
  },
  h('h1', {}, 'Ask'),
  h('label', { for: 'ask-text' }, 'What do you want done?'),
  text,
  h('div', { class: 'toolbar' }, run,
    h('span', { class: 'muted' }, 'ProcOS turns the words into a process, deploys it and runs it.')));
  root.append(form, result);
  text.focus();
  return () => stop();
}

// Processes: the list, and the modeler

async function processesView(root) {
  const list = h('div', { class: 'table-wrap' }, h('p', { class: 'muted' }, 'Loading…'));
  const file = h('input', { type: 'file', id: 'import-file', accept: '.bpmn,.xml,application/xml,text/xml',
    onchange: async () => {
      const f = file.files[0];
      if (!f) return;
      pendingImport = { name: f.name, xml: await f.text() };
      location.hash = '#/edit';
    } });
  root.append(
    h('h1', {}, 'Processes'),
    h('div', { class: 'toolbar' },
      h('a', { class: 'button', href: '#/edit', id: 'new-process' }, 'New process'),
      h('label', { for: 'import-file' }, 'Open a BPMN file:', file)),
    list);
  const processes = await api('/api/processes');
  if (!processes.length) {
    list.replaceChildren(h('p', {}, 'No process is deployed yet. Draw one, open a BPMN file, or use Ask.'));
    return;
  }
  list.replaceChildren(h('table', { id: 'process-list' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Process'), h('th', {}, 'Key'), h('th', {}, 'Version'), h('th', {}, ''))),
    h('tbody', {}, processes.map((p) => h('tr', { 'data-key': p.key },
      h('td', {}, p.name || p.key),
      h('td', {}, h('code', {}, p.key)),
      h('td', { class: 'version' }, p.version),
      h('td', {},
        h('a', { href: `#/edit/${encodeURIComponent(p.key)}`, class: 'open' }, 'Open'), ' · ',
        h('button', { type: 'button', class: 'secondary start', onclick: () => startProcess(p.key, root) }, 'Start')))))));
}

let pendingImport = null;

async function startProcess(key, root) {
  try {
    const started = await api(`/api/processes/${encodeURIComponent(key)}/start`, { method: 'POST', body: {} });
    location.hash = `#/instance/${encodeURIComponent(started.id)}`;
  } catch (e) {
    root.prepend(errorBox(e));
  }
}

const EMPTY = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="${CAMUNDA_NS}" id="Definitions_1" targetNamespace="http://procos.io/bpmn">
  <bpmn:process id="my-process" name="My process" isExecutable="true">
    <bpmn:startEvent id="start" name="Start"/>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="diagram">
    <bpmndi:BPMNPlane id="plane" bpmnElement="my-process">
      <bpmndi:BPMNShape id="start_di" bpmnElement="start"><dc:Bounds x="160" y="100" width="36" height="36"/></bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>`;

/**
 * Every task a person drew becomes a ProcOS task: an external task on ProcOS's topic, which the task executor
 * decides from its name and documentation. Plain tasks are replaced by service tasks (the shape shows the gear).
 */
function makeProcosTasks(modeler) {
  const registry = modeler.get('elementRegistry');
  const replace = modeler.get('bpmnReplace');
  for (const el of registry.filter((e) => e.type === 'bpmn:Task')) {
    replace.replaceElement(el, { type: 'bpmn:ServiceTask' });
  }
  for (const el of registry.filter((e) => e.type === 'bpmn:ServiceTask')) {
    const bo = el.businessObject;
    if (!bo.$attrs['camunda:type']) {
      bo.$attrs['camunda:type'] = 'external';
      bo.$attrs['camunda:topic'] = 'procos.task';
    }
  }
  const definitions = modeler.getDefinitions();
  if (!definitions.$attrs['xmlns:camunda']) definitions.$attrs['xmlns:camunda'] = CAMUNDA_NS;
  for (const root of definitions.rootElements || []) {
    if (root.$type === 'bpmn:Process' && root.isExecutable === undefined) root.isExecutable = true;
  }
}

async function editView(root, key) {
  const canvas = h('div', { class: 'canvas', id: 'modeler', 'aria-label': 'BPMN modeler' });
  const messages = h('div', { id: 'editor-messages', 'aria-live': 'polite' });
  const name = h('input', { type: 'text', id: 'file-name', value: key ? `${key}.bpmn` : 'process.bpmn', size: 24 });
  const modeler = newModeler(canvas);
  let problemOverlays = [];
  let marked = [];

  function clearProblems() {
    const overlays = modeler.get('overlays');
    const c = modeler.get('canvas');
    problemOverlays.forEach((id) => overlays.remove(id));
    marked.forEach((id) => c.removeMarker(id, 'pw-problem'));
    problemOverlays = [];
    marked = [];
    messages.replaceChildren();
  }

  function showProblems(e) {
    clearProblems();
    const registry = modeler.get('elementRegistry');
    const overlays = modeler.get('overlays');
    const c = modeler.get('canvas');
    const problems = e.problems || [];
    const items = (problems.length ? problems : [e.message]).map((p, i) => {
      const id = (e.elements || [])[i];
      const el = id && registry.get(id);
      if (el) {
        c.addMarker(id, 'pw-problem');
        marked.push(id);
        const short = p.replace(/^element '[^']*': /, '');
        problemOverlays.push(overlays.add(id, 'pw-problem', {
          position: { bottom: -6, left: 0 }, // just below the shape, which stays visible
          html: h('div', { class: 'pw-overlay', 'data-problem-for': id, title: p },
            short.length > 120 ? `${short.slice(0, 117)}…` : short),
        }));
        return h('li', {}, h('button', { type: 'button', class: 'secondary',
          onclick: () => { modeler.get('selection').select(el); c.scrollToElement(el); } }, id), ' ', p);
      }
      return h('li', {}, p);
    });
    messages.append(h('div', { class: 'problems', role: 'alert' },
      h('strong', {}, e.message), h('ul', {}, items)));
  }

  async function xml() {
    makeProcosTasks(modeler);
    return (await modeler.saveXML({ format: true })).xml;
  }

  async function validate() {
    try {
      await api('/api/processes/validate', { method: 'POST', body: await xml(), type: 'application/xml' });
      clearProblems();
      messages.append(h('p', { class: 'notice' }, 'Valid: ProcOS would deploy it as it is.'));
    } catch (e) {
      showProblems(e);
    }
  }

  async function deploy() {
    try {
      const deployment = await api(`/api/processes?name=${encodeURIComponent(name.value || 'process.bpmn')}`,
        { method: 'POST', body: await xml(), type: 'application/xml' });
      clearProblems();
      const p = deployment.processes[0];
      messages.append(h('p', { class: 'notice', id: 'deployed' },
        `Deployed ${p.key} version ${p.version}. `,
        h('button', { type: 'button', class: 'secondary', id: 'start-deployed', onclick: () => startProcess(p.key, root) }, 'Start it'),
        ' ', h('a', { href: '#/processes' }, 'All processes')));
      if (!key) history.replaceState(null, '', `#/edit/${encodeURIComponent(p.key)}`);
    } catch (e) {
      showProblems(e);
    }
  }

  async function download() {
    const text = await xml();
    const a = h('a', { href: URL.createObjectURL(new Blob([text], { type: 'application/xml' })), download: name.value || 'process.bpmn' });
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }

  root.append(
    h('h1', {}, key ? `Edit ${key}` : 'New process'),
    h('div', { class: 'toolbar' },
      h('label', { for: 'file-name' }, 'File', name),
      h('button', { type: 'button', id: 'validate', class: 'secondary', onclick: validate }, 'Validate'),
      h('button', { type: 'button', id: 'deploy', onclick: deploy }, 'Deploy as new version'),
      h('button', { type: 'button', class: 'secondary', onclick: download }, 'Download')),
    h('p', { class: 'muted' }, 'Each task you draw is done by ProcOS: its name (and documentation) say what to do, ',
      'and ProcOS chooses the tool. Double-click a shape to rename it.'),
    messages, canvas);
  let source = EMPTY;
  if (pendingImport) {
    source = pendingImport.xml;
    name.value = pendingImport.name;
    pendingImport = null;
  } else if (key) {
    source = await api(`/api/processes/${encodeURIComponent(key)}/bpmn`);
  }
  try {
    await modeler.importXML(source);
    modeler.get('canvas').zoom('fit-viewport', 'auto');
  } catch (e) {
    messages.append(errorBox(new Error(`The diagram cannot be shown: ${e.message}`)));
  }
  window.procosModeler = modeler; // for people who script the page from the browser's console
  return () => modeler.destroy();
}

// Instances

async function instancesView(root) {
  let state = sessionStorage.getItem('procos.filter') || '';
  const body = h('div', { class: 'table-wrap' });
  const filters = h('div', { class: 'filters', role: 'group', 'aria-label': 'Show instances' },
    [['', 'All'], ['ACTIVE', 'Active'], ['COMPLETED', 'Completed'], ['FAILED', 'Failed']].map(([s, label]) =>
      h('button', { type: 'button', 'data-state': s, 'aria-pressed': String(s === state),
        onclick: (ev) => {
          state = s;
          sessionStorage.setItem('procos.filter', s);
          for (const b of filters.children) b.setAttribute('aria-pressed', String(b === ev.currentTarget));
          load();
        } }, label)));
  root.append(h('h1', {}, 'Instances'), h('div', { class: 'toolbar' }, filters), body);

  async function load() {
    try {
      const list = await api(`/api/instances?max=100${state ? `&state=${state}` : ''}`);
      body.replaceChildren(list.length === 0 ? h('p', {}, 'No instance here.') : h('table', { id: 'instance-list' },
        h('thead', {}, h('tr', {}, ['Instance', 'Process', 'State', 'Tasks done', 'Started', 'Ended'].map((t) => h('th', {}, t)))),
        h('tbody', {}, list.map((i) => h('tr', { 'data-id': i.id },
          h('td', {}, h('a', { href: `#/instance/${encodeURIComponent(i.id)}` }, i.id.slice(0, 8))),
          h('td', {}, `${i.processKey} v${i.processVersion}`),
          h('td', {}, h('span', { class: `badge state-${i.state}` }, i.state)),
          h('td', {}, `${i.tasks.filter((t) => t.status === 'COMPLETED').length} / ${i.tasks.length}`),
          h('td', {}, when(i.startedAt)),
          h('td', {}, when(i.endedAt)))))));
    } catch (e) {
      body.replaceChildren(errorBox(e));
    }
  }
  await load();
  return subscribe(debounce((type) => { if (type === 'instance') load(); }, 300));
}

function instanceView(root, id) {
  return instancePanel(root, id);
}

/** One instance: its diagram coloured by task state, live, and what a click on a task shows. */
async function instancePanel(root, id, bpmn) {
  const canvas = h('div', { class: 'canvas', id: 'instance-diagram', 'aria-label': 'Process diagram' });
  const details = h('div', { class: 'panel', id: 'task-details', 'aria-live': 'polite' },
    h('p', { class: 'muted' }, 'Click a task to see how it was decided and what came of it.'));
  const header = h('div', { id: 'instance-header' });
  const extra = h('div');
  root.append(header, legend(), h('div', { class: 'split' }, canvas, details), extra);
  const viewer = newViewer(canvas);
  let current = null;
  let selected = null;
  let overlayIds = [];

  let instance = await api(`/api/instances/${encodeURIComponent(id)}`);
  const xml = bpmn || await api(`/api/processes/${encodeURIComponent(instance.processKey)}/bpmn?version=${instance.processVersion}`);
  await viewer.importXML(xml);
  viewer.get('canvas').zoom('fit-viewport', 'auto');

  function byActivity() {
    const map = new Map();
    for (const t of current.tasks) map.set(t.activityId, t); // the latest of a repeated task wins
    return map;
  }

  function paint() {
    const c = viewer.get('canvas');
    const registry = viewer.get('elementRegistry');
    const overlays = viewer.get('overlays');
    overlayIds.forEach((o) => overlays.remove(o));
    overlayIds = [];
    const tasks = byActivity();
    for (const el of registry.filter((e) => /Task$/.test(e.type))) {
      for (const s of STATES) c.removeMarker(el.id, `pw-${s}`);
      const t = tasks.get(el.id);
      const s = t ? stateOf(t) : null;
      if (s) c.addMarker(el.id, `pw-${s}`);
      const gfx = registry.getGraphics(el);
      if (gfx) gfx.setAttribute('data-state', s || 'not-reached');
      if (t && t.attempts > 1) {
        overlayIds.push(overlays.add(el.id, { position: { bottom: 8, right: 8 },
          html: h('span', { class: 'pw-attempts', title: `${t.attempts} attempts` }, `×${t.attempts}`) }));
      }
    }
    header.replaceChildren(
      h('h1', {}, `${current.processKey} v${current.processVersion} `,
        h('span', { class: `badge state-${current.state}`, id: 'instance-state' }, current.state)),
      h('p', { class: 'muted' }, `Instance ${current.id} · started ${when(current.startedAt)}`,
        current.endedAt ? ` · ended ${when(current.endedAt)}` : ''));
    extra.replaceChildren(
      current.incidents.length ? h('div', { class: 'problems' }, h('strong', {}, 'Incidents'),
        h('ul', {}, current.incidents.map((i) => h('li', {}, `${i.activityId}: ${i.message}`)))) : '',
      h('h3', {}, 'Variables'),
      Object.keys(current.variables).length
        ? h('div', { class: 'table-wrap' }, h('table', { id: 'variables' }, h('tbody', {},
          Object.entries(current.variables).map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, h('pre', {}, pretty(v))))))))
        : h('p', { class: 'muted' }, 'None.'));
    if (selected) show(selected);
  }

  function show(activityId) {
    selected = activityId;
    const el = viewer.get('elementRegistry').get(activityId);
    const t = byActivity().get(activityId);
    const name = (el && el.businessObject.name) || activityId;
    if (!t) {
      details.replaceChildren(h('h2', {}, name), h('p', { class: 'muted' }, 'Not reached yet.'));
      return;
    }
    const s = stateOf(t);
    const rows = [
      ['State', h('span', { class: `badge s-${s}` }, s)],
      ['Tool', t.tool ? h('code', { id: 'decision-tool' }, t.tool) : 'none (yet)'],
      ['Arguments', h('pre', { id: 'decision-arguments' }, pretty(t.arguments))],
      ['Rationale', t.rationale],
      ['Confidence', t.confidence ? t.confidence.toFixed(2) : ''],
      ['Decided by', [t.planner, t.mode].filter(Boolean).join(', ')],
      ['Attempts', t.attempts],
      ['Result', t.resultText || t.result ? h('pre', {}, t.resultText || pretty(t.result)) : ''],
      ['Error', t.error ? h('pre', { class: 'error' }, t.error) : ''],
      ['Correction', t.correction || ''],
      ['Time', t.decideMillis || t.executeMillis ? `decided in ${t.decideMillis} ms, done in ${t.executeMillis} ms` : ''],
    ].filter(([, v]) => v !== '' && v !== null && v !== undefined);
    details.replaceChildren(h('h2', {}, name),
      h('dl', {}, rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
      correctionForm(current, activityId, t));
  }

  viewer.get('eventBus').on('element.click', (e) => {
    if (/Task$/.test(e.element.type)) show(e.element.id);
  });
  // keyboard: each task is reachable with Tab and opens with Enter
  for (const el of viewer.get('elementRegistry').filter((e) => /Task$/.test(e.type))) {
    const gfx = viewer.get('elementRegistry').getGraphics(el);
    gfx.setAttribute('tabindex', '0');
    gfx.setAttribute('role', 'button');
    gfx.setAttribute('aria-label', `Task ${el.businessObject.name || el.id}`);
    gfx.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' || ev.key === ' ') {
        ev.preventDefault();
        show(el.id);
      }
    });
  }

  current = instance;
  paint();
  const refresh = async () => {
    try {
      current = await api(`/api/instances/${encodeURIComponent(id)}`);
      paint();
    } catch (e) {
      console.warn('instance refresh failed', e.message);
    }
  };
  const unsubscribe = subscribe((type, data) => {
    if (type === 'instance' && data.instanceId === id) refresh();
  });
  // the stream may have (re)connected after the last change: read once more when it does
  const again = setTimeout(refresh, 1500);
  return () => {
    clearTimeout(again);
    unsubscribe();
    viewer.destroy();
  };
}

function correctionForm(instance, activityId, task) {
  const tool = h('input', { type: 'text', name: 'tool', value: task.tool || '', 'aria-label': 'Tool', size: 18 });
  const args = h('textarea', { name: 'arguments', rows: 3, 'aria-label': 'Arguments (JSON)' }, pretty(task.arguments || {}));
  const out = h('p', { role: 'status' });
  return h('details', {},
    h('summary', {}, 'Correct this decision'),
    h('form', { onsubmit: async (ev) => {
      ev.preventDefault();
      let parsed;
      try {
        parsed = JSON.parse(args.value || '{}');
      } catch (e) {
        out.textContent = `The arguments are not JSON: ${e.message}`;
        return;
      }
      try {
        await api('/api/tde/corrections', { method: 'POST',
          body: { instanceId: instance.id, activityId, tool: tool.value.trim(), arguments: parsed } });
        out.textContent = 'Recorded: similar tasks will be decided this way.';
      } catch (e) {
        out.textContent = e.message;
      }
    } },
    h('p', { class: 'muted' }, 'Say which tool and arguments were right; ProcOS remembers it for similar tasks.'),
    h('label', {}, 'Tool ', tool), args, h('button', { type: 'submit' }, 'Record correction'), out));
}

// Tools

async function toolsView(root) {
  const body = h('div', { class: 'table-wrap' });
  const count = h('p', { class: 'muted', id: 'tool-count' });
  root.append(h('h1', {}, 'Tools'), count, body);
  async function load() {
    try {
      const { tools, conflicts } = await api('/api/tools');
      count.textContent = `${tools.length} tools, listed as the task executor sees them. They change as tool bundles are dropped into tools/ or removed.`;
      body.replaceChildren(h('table', { id: 'tool-list' },
        h('thead', {}, h('tr', {}, ['Tool', 'What it does', 'May reach', 'Bundle', 'Input'].map((t) => h('th', {}, t)))),
        h('tbody', {}, tools.map((t) => h('tr', { 'data-tool': t.name },
          h('td', {}, h('code', {}, t.name)),
          h('td', {}, t.description),
          h('td', {}, (t.reach || []).join(', ')),
          h('td', { class: 'hide-narrow' }, `${t.bundle || ''} ${t.bundleVersion || ''}`),
          h('td', {}, h('details', {}, h('summary', {}, 'schema'), h('pre', {}, pretty(t.inputSchema)))))))),
      conflicts && conflicts.length ? h('div', { class: 'problems' }, h('strong', {}, 'Names claimed twice'),
        h('pre', {}, pretty(conflicts))) : '');
    } catch (e) {
      body.replaceChildren(errorBox(e));
    }
  }
  await load();
  return subscribe(debounce((type) => { if (type === 'tools') load(); }, 400));
}

// Memory: search by meaning, and an instance's graph

function memoryView(root) {
  const q = h('input', { type: 'search', id: 'memory-q', name: 'q', placeholder: 'for example: write a report file', size: 40 });
  const hits = h('div', { id: 'memory-hits' });
  const instance = h('input', { type: 'text', id: 'graph-instance', name: 'instance', placeholder: 'instance id', size: 38 });
  const graph = h('div', { id: 'memory-graph' });
  root.append(
    h('h1', {}, 'Memory'),
    h('form', { class: 'toolbar', role: 'search', onsubmit: async (ev) => {
      ev.preventDefault();
      try {
        const r = await api(`/api/memory/search?k=10&q=${encodeURIComponent(q.value)}`);
        hits.replaceChildren(r.hits.length ? h('ol', { class: 'hits' }, r.hits.map((x) => h('li', {},
          h('span', { class: 'badge s-running' }, x.kind), ' ', x.text, ' ',
          h('span', { class: 'muted' }, `(${x.score})`)))) : h('p', {}, 'Nothing like it yet.'));
      } catch (e) {
        hits.replaceChildren(errorBox(e));
      }
    } }, h('label', { for: 'memory-q' }, 'Search by meaning'), q, h('button', { type: 'submit' }, 'Search')),
    hits,
    h('h3', {}, 'The graph of an instance'),
    h('form', { class: 'toolbar', onsubmit: async (ev) => {
      ev.preventDefault();
      try {
        drawGraph(graph, await api(`/api/memory/graph?instance=${encodeURIComponent(instance.value.trim())}`));
      } catch (e) {
        graph.replaceChildren(errorBox(e));
      }
    } }, h('label', { for: 'graph-instance' }, 'Instance'), instance, h('button', { type: 'submit' }, 'Draw')),
    graph);
}

const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attrs = {}, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** Nodes on rings by kind (process, instance, task, decision, tool, error…), edges as lines. */
function drawGraph(container, g) {
  const width = 900;
  const height = 520;
  const kinds = [...new Set(g.nodes.map((n) => n.labels[0] || 'Node'))];
  const pos = new Map();
  kinds.forEach((kind, k) => {
    const members = g.nodes.filter((n) => (n.labels[0] || 'Node') === kind);
    const radius = kinds.length === 1 ? 0 : 60 + (k * 190) / Math.max(1, kinds.length - 1);
    members.forEach((n, i) => {
      const a = (2 * Math.PI * i) / members.length + k * 0.4;
      pos.set(n.id, [width / 2 + radius * Math.cos(a) * 1.6, height / 2 + radius * Math.sin(a)]);
    });
  });
  const root = svg('svg', { class: 'graph', viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': `Graph with ${g.nodes.length} nodes and ${g.edges.length} edges` });
  for (const e of g.edges) {
    const a = pos.get(e.from);
    const b = pos.get(e.to);
    if (!a || !b) continue;
    root.append(svg('line', { x1: a[0], y1: a[1], x2: b[0], y2: b[1], stroke: '#9aa7b4' }));
    root.append(svg('text', { x: (a[0] + b[0]) / 2, y: (a[1] + b[1]) / 2, fill: '#5b6b7a' }, e.type));
  }
  const palette = ['#1f4e79', '#1a8a3a', '#d07b00', '#7b1fa2', '#c62828', '#00838f', '#5d4037'];
  for (const n of g.nodes) {
    const [x, y] = pos.get(n.id);
    const kind = n.labels[0] || 'Node';
    const p = n.properties || {};
    const label = String(p.name || p.tool || p.key || p.text || p.id || kind).slice(0, 28);
    const group = svg('g', { 'data-node': n.id });
    group.append(svg('title', {}, `${kind}: ${pretty(p)}`));
    group.append(svg('circle', { cx: x, cy: y, r: 9, fill: palette[kinds.indexOf(kind) % palette.length] }));
    group.append(svg('text', { x: x + 12, y: y + 4 }, `${kind} ${label}`));
    root.append(group);
  }
  container.replaceChildren(root);
}

// ---- start -----------------------------------------------------------------------------------------------

$('#signin-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  signIn($('#token').value.trim());
});
$('#signout').addEventListener('click', () => signOut('Signed out.'));
window.addEventListener('hashchange', route);
if (token) {
  $('#signout').hidden = false;
  connectEvents();
  route();
} else {
  signOut();
}
