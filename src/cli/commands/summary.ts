// `webgpu-nn summary NAME [--input-shape H,W,C]`: Keras's model.summary() of a registry model, exact counts.
import { Argument, type Command } from 'commander';
import { MODEL_NAMES, baseBuilder, buildModel, resolveInputShape, type ImageShape } from '../registry/models.js';
import { parseShape } from '../options.js';
import { openDevice } from './common.js';

export function register(program: Command): void {
  program.command('summary').description('print Keras\'s summary of a model (layers, output shapes, parameter counts)')
    .addArgument(new Argument('<model>', 'model name').choices(MODEL_NAMES))
    .option('--input-shape <H,W,C>', 'input shape for the resizable models (resnet18, xception, inception-resnet-v2)', parseShape)
    .option('--base', 'xception, inception-resnet-v2: the Keras application alone, without the notebook\'s head')
    .action(async (name: string, o: { inputShape?: ImageShape; base?: boolean }) => {
      const shape = resolveInputShape(name, o.inputShape);
      if (o.base) baseBuilder(name); // refuses a model without a base before the device opens
      await openDevice();
      const model = buildModel(name, shape, { base: o.base });
      console.log(model.summary());
      model.dispose();
    });
}
