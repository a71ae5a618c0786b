// `webgpu-nn summary resnet50`: Keras's ResNet50(include_top=False) at 224x224, with Keras's exact counts.
import { afterAll, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/index.js';

const logSpy = vi.spyOn(console, 'log').mockImplementation(() => {});
afterAll(() => logSpy.mockRestore());

it('Keras: summary resnet50 prints Total params: 23,587,712', async () => {
  expect(await main(['summary', 'resnet50'])).toBe(0);
  const printed = logSpy.mock.calls.map((c) => c.join(' ')).join('\n');
  expect(printed).toMatch(/conv5_block3_out \(Activation\)/);
  expect(printed).toMatch(/Total params: 23,587,712\nTrainable params: 23,534,592\nNon-trainable params: 53,120/);
});
