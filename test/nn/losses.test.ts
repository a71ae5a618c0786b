// Loss names: Keras's aliases resolve to the same functions, and the values match the formulas.
import { describe, expect, it } from 'vitest';
import * as nn from '../../src/index.js';
import { canonicalLoss, getLoss } from '../../src/nn/losses.js';

describe('loss names', () => {
  it("Keras: 'mse', 'MSE', 'mae', 'MAE' and the class names are accepted; unknown names are refused", async () => {
    const yTrue = nn.tensor([1, 2, 3, 4], [2, 2]), yPred = nn.tensor([1.5, 1, 3, 6], [2, 2]);
    const mse = (0.25 + 1 + 0 + 4) / 4, mae = (0.5 + 1 + 0 + 2) / 4;
    for (const [names, want] of [[['mse', 'MSE', 'mean_squared_error', 'MeanSquaredError'], mse], [['mae', 'MAE', 'mean_absolute_error', 'MeanAbsoluteError'], mae]] as const) {
      for (const name of names) {
        const v = getLoss(name)(yTrue, yPred);
        expect(await v.item(), name).toBeCloseTo(want, 6);
        v.dispose();
      }
    }
    expect(canonicalLoss('SparseCategoricalCrossentropy')).toBe('sparse_categorical_crossentropy');
    expect(canonicalLoss('categorical_crossentropy')).toBe('categorical_crossentropy');
    expect(canonicalLoss('toString')).toBeNull();
    expect(() => getLoss('msa' as 'mse')).toThrow(/unknown loss 'msa' \(known: sparse_categorical_crossentropy, .*mse, MSE/);
    yTrue.dispose();
    yPred.dispose();
  });
});
