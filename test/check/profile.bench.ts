// `npx vitest bench test/check`: checker speed on a ~50 KB bundle-like input (the
// size of a firmware bundle; the check runs on every build).
import { bench, describe } from 'vitest';
import { checkSource } from '../../scripts/check/profile.ts';

function bundle(targetBytes: number): string {
  const parts: string[] = ['var modules = {};'];
  for (let i = 0; parts.join('\n').length < targetBytes; i++) {
    parts.push(`function helper${i}(a, b) {
  var out = new Uint8Array(a.length);
  for (var j = 0; j < a.length; j++) { out[j] = (a[j] ^ b) & 0xff; }
  return out;
}
var Node${i} = (function () {
  function Node${i}(hal, config) { this.hal = hal; this.config = config || {}; this.queue = []; }
  Node${i}.prototype.send = function (payload, cb) {
    var self = this;
    var frame = helper${i}(payload, ${i % 256});
    self.hal.setTimeout(function () { cb(null, frame.length); }, 10);
  };
  Node${i}.create = function (hal) { return new Node${i}(hal, { port: ${i % 200} }); };
  return Node${i};
})();
modules["node${i}"] = { create: Node${i}.create, label: \`node-\${${i}}\`, ok: Object.keys(modules).length > 0 };`);
  }
  return parts.join('\n');
}

const code50k = bundle(50 * 1024);

describe('lorakit check', () => {
  bench(`checkSource on a ${Math.round(code50k.length / 1024)} KB bundle`, () => {
    checkSource(code50k);
  });
});
