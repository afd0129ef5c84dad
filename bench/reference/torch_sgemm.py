#!/usr/bin/env python3
"""cuBLAS reference for `gpugen bench sgemm_n4096 --device cuda`: torch.mm at n×n×n float32 on the
same GPU, with TF32 off (plain FP32 cuBLAS) and on (TF32 tensor cores), timed like GpuGen's bench
(warm-up, then the median of repetitions, each synchronized). Prints one JSON object.
Usage: python3 bench/reference/torch_sgemm.py [n]   (default 4096; needs PyTorch with CUDA)"""
import json
import statistics
import sys

import torch


def measure(n: int, tf32: bool, warmup: int = 3, reps: int = 20) -> float:
    torch.backends.cuda.matmul.allow_tf32 = tf32
    torch.backends.cudnn.allow_tf32 = tf32
    g = torch.Generator(device="cuda").manual_seed(1)
    a = torch.randn(n, n, device="cuda", generator=g)
    b = torch.randn(n, n, device="cuda", generator=g)
    for _ in range(warmup):
        torch.mm(a, b)
    torch.cuda.synchronize()
    times = []
    for _ in range(reps):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        torch.mm(a, b)
        end.record()
        torch.cuda.synchronize()
        times.append(start.elapsed_time(end) / 1e3)
    return 2.0 * n ** 3 / statistics.median(times) / 1e9


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 4096
    if not torch.cuda.is_available():
        sys.exit("torch_sgemm: PyTorch sees no CUDA device")
    print(json.dumps({
        "device": torch.cuda.get_device_name(0),
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "n": n,
        "cublas_fp32_gflops": measure(n, tf32=False),
        "cublas_tf32_gflops": measure(n, tf32=True),
    }))


if __name__ == "__main__":
    main()
