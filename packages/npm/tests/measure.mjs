// Times startMock() (median of 20, start to ready) and newAccount() (median of 100) with the
// installed package: test-installed.sh runs it when POSTPROXY_MOCK_MEASURE=1.
import { startMock } from "postproxy-mock";

const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const ms = (x) => `${x.toFixed(1)} ms`;

const starts = [];
for (let i = 0; i < 20; i++) {
  const begin = performance.now();
  const mock = await startMock();
  starts.push(performance.now() - begin);
  await mock.stop();
}

const mock = await startMock();
const creates = [];
for (let i = 0; i < 100; i++) {
  const begin = performance.now();
  await mock.newAccount();
  creates.push(performance.now() - begin);
}
await mock.stop();

console.log(`startMock(): median ${ms(median(starts))} of 20 (min ${ms(Math.min(...starts))}, max ${ms(Math.max(...starts))})`);
console.log(`newAccount(): median ${ms(median(creates))} of 100 (min ${ms(Math.min(...creates))}, max ${ms(Math.max(...creates))})`);
