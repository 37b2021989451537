// Reads BPMN files with bpmn-moddle (the bpmn.io library) and prints one JSON line per file:
// {"file": …, "warnings": [messages], "error": message-or-null}
import { readFileSync } from 'node:fs';
import BpmnModdle from 'bpmn-moddle';

const moddle = new BpmnModdle();
for (const file of process.argv.slice(2)) {
  try {
    const { warnings } = await moddle.fromXML(readFileSync(file, 'utf8'));
    console.log(JSON.stringify({ file, warnings: warnings.map(w => w.message), error: null }));
  } catch (e) {
    console.log(JSON.stringify({ file, warnings: [], error: String(e.message || e) }));
  }
}
