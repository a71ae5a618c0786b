// The notebook's four training networks written with tfjs-layers, layer for layer as src/nn/models builds them,
// each with the notebook's optimiser, so bench:compare trains the same networks in tfjs.
import type { Tf } from './systems.js';

export type ModelName = 'mlp' | 'mnist-cnn' | 'cifar-cnn' | 'resnet18';

function mlp(tf: Tf, L: Tf): Tf {
  const maxNorm = () => L.constraints.maxNorm({ maxValue: 3 });
  const m = L.sequential();
  m.add(L.layers.dropout({ rate: 0.2, inputShape: [784] }));
  for (const units of [256, 128]) {
    m.add(L.layers.dense({ units, activation: 'relu', kernelConstraint: maxNorm() }));
    m.add(L.layers.batchNormalization());
    m.add(L.layers.dropout({ rate: 0.2 }));
  }
  m.add(L.layers.dense({ units: 10, activation: 'sigmoid', kernelConstraint: maxNorm() }));
  m.compile({ optimizer: tf.train.adadelta(0.1), loss: 'sparseCategoricalCrossentropy' });
  return m;
}

function mnistCnn(tf: Tf, L: Tf): Tf {
  const m = L.sequential();
  m.add(L.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }));
  m.add(L.layers.maxPooling2d({ poolSize: 2 }));
  m.add(L.layers.batchNormalization());
  m.add(L.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }));
  m.add(L.layers.maxPooling2d({ poolSize: 2 }));
  m.add(L.layers.batchNormalization());
  m.add(L.layers.flatten());
  m.add(L.layers.dense({ units: 512, activation: 'relu' }));
  m.add(L.layers.dropout({ rate: 0.2 }));
  m.add(L.layers.dense({ units: 10, activation: 'sigmoid' }));
  m.compile({ optimizer: tf.train.adam(), loss: 'sparseCategoricalCrossentropy' });
  return m;
}

function cifarCnn(tf: Tf, L: Tf): Tf {
  const m = L.sequential();
  const conv = (filters: number, first = false) => L.layers.conv2d({
    filters, kernelSize: 3, activation: 'relu', padding: 'same', kernelInitializer: 'heUniform', ...(first ? { inputShape: [32, 32, 3] } : {}),
  });
  m.add(conv(32, true));
  m.add(conv(32));
  m.add(L.layers.maxPooling2d({ poolSize: 2 }));
  for (const f of [64, 128]) {
    m.add(conv(f));
    m.add(conv(f));
    m.add(L.layers.maxPooling2d({ poolSize: 2 }));
  }
  m.add(L.layers.flatten());
  m.add(L.layers.dense({ units: 256, activation: 'relu' }));
  m.add(L.layers.dropout({ rate: 0.4 }));
  m.add(L.layers.dense({ units: 128, activation: 'relu' }));
  m.add(L.layers.dropout({ rate: 0.2 }));
  m.add(L.layers.dense({ units: 10, activation: 'softmax' }));
  m.compile({ optimizer: tf.train.adadelta(0.5), loss: 'sparseCategoricalCrossentropy' });
  return m;
}

function resnet18(tf: Tf, L: Tf): Tf {
  const conv = (filters: number, k: number, strides: number) =>
    L.layers.conv2d({ filters, kernelSize: k, strides, padding: 'same', kernelInitializer: L.initializers.glorotUniform({ seed: 0 }) });
  const bnRelu = (x: Tf) => L.layers.activation({ activation: 'relu' }).apply(L.layers.batchNormalization().apply(x));
  const block = (x: Tf, filters: number, kind: 'identity' | 'conv'): Tf => {
    const s = kind === 'conv' ? 2 : 1;
    const main = conv(filters, 3, 1).apply(bnRelu(conv(filters, 3, s).apply(bnRelu(x))));
    const shortcut = kind === 'conv' ? conv(filters, 1, 2).apply(L.layers.batchNormalization().apply(x)) : x;
    return L.layers.activation({ activation: 'relu' }).apply(L.layers.add().apply([main, shortcut]));
  };
  const input = L.input({ shape: [32, 32, 3] });
  let x = conv(16, 3, 1).apply(L.layers.batchNormalization().apply(input));
  for (const f of [16, 32, 64]) {
    x = block(x, f === 16 ? 16 : f / 2, 'identity');
    x = block(x, f, 'conv');
    x = block(x, f, 'conv');
  }
  x = L.layers.flatten().apply(L.layers.averagePooling2d({ poolSize: 2, padding: 'same' }).apply(x));
  x = L.layers.dropout({ rate: 0.4 }).apply(L.layers.dense({ units: 256, activation: 'relu' }).apply(x));
  x = L.layers.dropout({ rate: 0.2 }).apply(L.layers.dense({ units: 128, activation: 'relu' }).apply(x));
  x = L.layers.dense({ units: 10, activation: 'softmax' }).apply(x);
  const m = L.model({ inputs: input, outputs: x });
  m.compile({ optimizer: tf.train.adadelta(0.5), loss: 'sparseCategoricalCrossentropy' });
  return m;
}

export const TFJS_MODELS: Record<ModelName, (tf: Tf, layers: Tf) => Tf> = {
  mlp, 'mnist-cnn': mnistCnn, 'cifar-cnn': cifarCnn, resnet18,
};
