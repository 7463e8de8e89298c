// The official OpenAI SDK against an Airbag node, unchanged: answers, streams, errors.
import OpenAI from 'openai';
import assert from 'node:assert/strict';
const [node, primarySim] = process.argv.slice(2);
const client = new OpenAI({ baseURL: `${node}/v1`, apiKey: 'unused', maxRetries: 0 });
const r = await client.chat.completions.create({ model: 'summarize-primary', messages: [{ role: 'user', content: 'Owls hunt at night by sound.' }] });
assert.match(r.choices[0].message.content, /Owls hunt at night/);
assert.ok(r.usage.total_tokens > 0);
console.log('non-stream:', r.choices[0].message.content, r.usage);
const s = await client.chat.completions.create({ model: 'summarize-primary', stream: true, stream_options: {include_usage: true}, messages: [{ role: 'user', content: 'Owls hunt at night by sound.' }] });
let text = ''; let usage;
for await (const c of s) { text += c.choices[0]?.delta?.content ?? ''; if (c.usage) usage = c.usage; }
assert.match(text, /Owls hunt at night/);
assert.ok(usage.total_tokens > 0);
console.log('stream:', text, usage);
await fetch(`${primarySim}/_sim/fault`, {method: 'POST', body: JSON.stringify({mode: 'stream_cut', after_chunks: 2})});
try {
  const s2 = await client.chat.completions.create({ model: 'summarize-primary', stream: true, messages: [{ role: 'user', content: 'Owls hunt at night by sound.' }] });
  for await (const c of s2) {}
  assert.fail('a stream broken after its first token must raise');
} catch (e) {
  assert.ok(e instanceof OpenAI.APIError, String(e));
  console.log('cut stream raised:', e.constructor.name, e.message);
}
await assert.rejects(client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }),
  (e) => e.status === 404 && e.code === 'model_not_found');
console.log('unknown model: 404 model_not_found');
console.log('SDK check passed');
