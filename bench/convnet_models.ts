/** The benchmark networks built with convnet-ts's public API (shared by convnet_worker.ts and profile.ts). */
import { type Generator, nn } from 'convnet-ts';

/** The W1 network: LeNet-5 with ReLU, max pooling and a full C3, linear 400→120→84→10. */
export function lenet(generator: Generator): nn.Sequential {
  const init = { generator };
  return new nn.Sequential(
    new nn.Conv2d(1, 6, 5, { padding: 2, ...init }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(6, 16, 5, init),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(400, 120, init),
    new nn.ReLU(),
    new nn.Linear(120, 84, init),
    new nn.ReLU(),
    new nn.Linear(84, 10, init),
  );
}

/** Fixed labels `(i · 7) mod 10` for a batch of `n` random inputs. */
export function trainingLabels(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => (i * 7) % 10);
}
