// Chromium side of the benchmark: run.mjs opens page.html and calls window.runBench(options).
import * as pkg from '/pkg/index.js';
import * as d3 from '/vendor/d3-dsv.mjs';
import { runSuite } from './suite.mjs';

const logEl = document.getElementById('log');
window.runBench = async (options) => {
  await pkg.init();
  return runSuite({ pkg, Papa: globalThis.Papa, d3 }, {
    ...options,
    gc: globalThis.gc ?? (() => {}),
    log: (m) => {
      console.log(m);
      logEl.textContent += `${m}\n`;
    },
  });
};
window.benchReady = true;
