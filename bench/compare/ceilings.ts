// The adapter's two ceilings, measured with raw WGSL on webgpu-nn's device in the same run as the figures: FMA
// throughput (independent vec4 multiply-add chains, no memory traffic) and shader memory bandwidth (a vec4 copy).
import { gpu } from '../../src/index.js';

const FMA_ITERS = 1024;
const FMA_INVOCATIONS = 65536;
const COPY_BYTES = 64 * 1024 * 1024;

interface Probe {
  run(): Promise<number>; // seconds
  amount: number; // flops or bytes per run
}

function fmaShader(accumulators: number): string {
  const decl = Array.from({ length: accumulators }, (_, i) => `var a${i} = vec4<f32>(f32(gid.x + ${i}u) * 1e-9);`).join('\n  ');
  const step = Array.from({ length: accumulators }, (_, i) => `a${i} = a${i} * m + c;`).join(' ');
  const sum = Array.from({ length: accumulators }, (_, i) => `a${i}`).join(' + ');
  return `@group(0) @binding(0) var<storage, read_write> out: array<vec4<f32>>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let m = vec4<f32>(0.999999); let c = vec4<f32>(1e-7);
  ${decl}
  for (var i = 0u; i < ${FMA_ITERS}u; i++) { ${step} }
  out[gid.x] = ${sum};
}`;
}

const COPY_SHADER = `@group(0) @binding(0) var<storage, read> src: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> dst: array<vec4<f32>>;
@compute @workgroup_size(256) fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * 256u;
  if (i < arrayLength(&src)) { dst[i] = src[i]; }
}`;

function probe(code: string, buffers: GPUBuffer[], groups: [number, number], amount: number): Probe {
  const { device } = gpu();
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code }), entryPoint: 'main' } });
  const bindGroup = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  return {
    amount,
    async run() {
      const t0 = performance.now();
      const enc = device.createCommandEncoder();
      const pass = enc.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bindGroup);
      pass.dispatchWorkgroups(groups[0], groups[1]);
      pass.end();
      device.queue.submit([enc.finish()]);
      await device.queue.onSubmittedWorkDone();
      return (performance.now() - t0) / 1000;
    },
  };
}

export class Ceilings {
  readonly fma: number[] = [];
  readonly copy: number[] = [];
  #fmaProbes: Probe[] = [];
  #copyProbe: Probe | null = null;
  #buffers: GPUBuffer[] = [];

  async setup(): Promise<void> {
    const { device } = gpu();
    const usage = GPUBufferUsage.STORAGE;
    const out = device.createBuffer({ size: FMA_INVOCATIONS * 16, usage });
    const src = device.createBuffer({ size: COPY_BYTES, usage });
    const dst = device.createBuffer({ size: COPY_BYTES, usage });
    this.#buffers = [out, src, dst];
    // The best of two register budgets: lavapipe's best accumulator count varies from run to run.
    this.#fmaProbes = [8, 16].map((acc) => probe(fmaShader(acc), [out], [FMA_INVOCATIONS / 64, 1], FMA_INVOCATIONS * FMA_ITERS * acc * 4 * 2));
    const vec4s = COPY_BYTES / 16;
    this.#copyProbe = probe(COPY_SHADER, [src, dst], [4096, Math.ceil(vec4s / 256 / 4096)], 2 * COPY_BYTES);
    await this.sample(); // compiles
    this.fma.length = this.copy.length = 0;
  }

  /** One sample of each ceiling (called between figures, so the ceilings see the same machine load). */
  async sample(): Promise<void> {
    let best = 0;
    for (const p of this.#fmaProbes) best = Math.max(best, p.amount / (await p.run()) / 1e9);
    this.fma.push(best);
    const c = this.#copyProbe!;
    this.copy.push(c.amount / (await c.run()) / 1e9);
  }

  dispose(): void {
    for (const b of this.#buffers) b.destroy();
  }
}
