// Exits 0 and prints the adapter when Node can get a WebGPU adapter through the `webgpu` package, 1 otherwise.
// Dawn keeps the event loop alive, so the script exits explicitly.
process.env.XDG_RUNTIME_DIR ??= '/tmp';
try {
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  const gpu = create([]);
  globalThis.__keepGpu = gpu;
  const adapter = await gpu.requestAdapter();
  if (!adapter) {
    console.log('no adapter');
    process.exit(1);
  }
  const i = adapter.info;
  console.log(`${i.vendor} ${i.architecture} ${i.device} ${i.description}`.replace(/\s+/g, ' ').trim());
  process.exit(0);
} catch (err) {
  console.log(`webgpu failed to load: ${err.message}`);
  process.exit(1);
}
