// Parameter counts of the notebook's networks against Keras's summary() figures (../shared/DESIGN.md).
import { afterEach, describe, expect, it } from 'vitest';
import { countParams, summary } from '../../src/nn/summary.js';
import { cifarShallowCnn, mnistCnn, mnistMlp, notebookHead } from '../../src/nn/models/notebook.js';
import { resnet18Cifar } from '../../src/nn/models/resnet.js';
import { xception } from '../../src/nn/models/xception.js';
import { inceptionResnetV2 } from '../../src/nn/models/inceptionResnetV2.js';
import { Sequential, type Model } from '../../src/nn/model.js';
import { resetNames } from '../../src/nn/layer.js';
import { liveTensors } from '../../src/index.js';

const built: Model[] = [];
const track = <M extends Model>(m: M): M => (built.push(m), m);

afterEach(() => {
  for (const m of built.splice(0)) m.dispose();
  resetNames();
});

describe('Keras: parameter counts of the notebook models match summary()', () => {
  it('MLP 784-256-BN-128-BN-10 with dropout', () => {
    expect(countParams(track(mnistMlp()))).toEqual({ total: 236_682, trainable: 235_914, nonTrainable: 768 });
  });

  it('MNIST CNN', () => {
    const m = track(mnistCnn());
    expect(countParams(m)).toEqual({ total: 844_042, trainable: 843_850, nonTrainable: 192 });
    expect(m.outputs[0]!.shape).toEqual([null, 10]);
    expect(summary(m)).toContain('Total params: 844,042');
  });

  it('shallow CIFAR CNN', () => {
    expect(countParams(track(cifarShallowCnn())).total).toBe(845_738);
  });

  it("the notebook's custom ResNet18", () => {
    expect(countParams(track(resnet18Cifar()))).toEqual({ total: 261_238, trainable: 259_824, nonTrainable: 1_414 });
  });

  it('Xception without top at 71x71x3, and with the notebook head', () => {
    const base = xception({ inputShape: [71, 71, 3], pooling: 'max' });
    expect(countParams(base)).toEqual({ total: 20_861_480, trainable: 20_806_952, nonTrainable: 54_528 });
    const m = track(new Sequential([base, ...notebookHead()]));
    expect(countParams(m).total).toBe(21_389_618);
  });

  it('InceptionResNetV2 without top at 84x84x3; frozen base, then fine-tuning', () => {
    const base = inceptionResnetV2({ inputShape: [84, 84, 3], pooling: 'max' });
    expect(countParams(base)).toEqual({ total: 54_336_736, trainable: 54_276_192, nonTrainable: 60_544 });
    const m = track(new Sequential([base, ...notebookHead()]));
    expect(countParams(m).total).toBe(54_733_802);
    m.layers[0]!.trainable = false;
    expect(countParams(m).trainable).toBe(396_554);
    m.layers[0]!.trainable = true;
    expect(countParams(m).trainable).toBe(54_672_746);
  });

  it('disposing a model frees its weights', () => {
    const before = liveTensors();
    const m = mnistCnn();
    expect(liveTensors()).toBeGreaterThan(before);
    m.dispose();
    expect(liveTensors()).toBe(before);
  });
});
