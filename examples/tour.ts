/**
 * A tour of the operations: each named padding, true and transposed convolution, dilation,
 * a link table, pooling, and a gradient check. Run with `npm run demo`.
 */
import { F, Generator, gradcheck, randn, tensor } from '../src/index.js';

const show = (label: string, t: { toArray(): unknown; shape: readonly number[] }): void =>
  console.log(`${label.padEnd(44)} shape [${t.shape.join(', ')}]  ${JSON.stringify(t.toArray())}`);

const x = tensor([[[1, 2, 3, 4, 5]]]); // (N=1, C=1, L=5)
const w = tensor([[[1, 0, -1]]]); // (Cout=1, Cin=1, m=3)
console.log('S1/S3 cross-correlation of [1,2,3,4,5] with [1,0,-1]');
show("  padding 'narrow' (p = 0)", F.conv1d(x, w, null, { padding: 'narrow' }));
show("  padding 'equal'  (p = (m-1)/2)", F.conv1d(x, w, null, { padding: 'equal' }));
show("  padding 'wide'   (p = m-1)", F.conv1d(x, w, null, { padding: 'wide' }));
show('  stride 2, padding 1', F.conv1d(x, w, null, { stride: 2, padding: 1 }));
show('S2 true convolution, wide', F.convolve1d(x, w, null, { padding: 'full' }));
show('S18 transposed conv, stride 2, of [1,2]', F.convTranspose1d(tensor([[[1, 2]]]), tensor([[[1, 1, 1]]]), null, { stride: 2 }));

const g = new Generator(0);
const image = randn([1, 6, 14, 14], { generator: g });
const c3 = F.linkedConv2d(image, randn([16, 6, 5, 5], { generator: g }), null, { table: F.LENET5_C3_TABLE });
console.log(`S7 LeNet-5 C3 link table: (1, 6, 14, 14) -> (${c3.shape.join(', ')})`);
const pooled = F.subsampling(c3, randn([16], { generator: g }), randn([16], { generator: g }));
console.log(`S9 trainable subsampling: -> (${pooled.shape.join(', ')})`);
const dilated = F.conv2d(randn([1, 1, 9, 9], { generator: g }), randn([1, 1, 3, 3], { generator: g }), null, { dilation: 2 });
console.log(`S19 3x3 kernel, dilation 2 on 9x9: -> (${dilated.shape.join(', ')})`);

const xs = randn([2, 3, 7, 6], { dtype: 'float64', requiresGrad: true, generator: g });
const ws = randn([4, 3, 3, 2], { dtype: 'float64', requiresGrad: true, generator: g });
const ok = gradcheck((a, b) => F.conv2d(a, b, null, { stride: 2, padding: 'full' }), [xs, ws]);
console.log(`S5 gradcheck of conv2d (stride 2, wide padding): ${ok ? 'passed' : 'FAILED'}`);
