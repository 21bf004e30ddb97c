# The benchmark stages of bench/gpu-run.sh and bench/gpu-check.sh (sourced, not run). Expects:
#   out (folder for bench.log, torch.log, summary.txt), root (repository), start and budget (seconds),
#   steps and bench_java (the java command line and class path, as an array).
# Defines allow, summary, bench (mka1's TrainingStepBenchmark), torchrun (bench/torch_llama.py on CUDA)
# and run_stages.
# Seconds a stage may run: its cap, or what is left of the budget (minus a margin), whichever is less.
allow() { local left=$((budget - ($(date +%s) - start) - 10)); echo $((left < $1 ? left : $1)); }
summary() { tee -a "$out/summary.txt"; }
# mka1 benchmark: NAME CAP ARGS...
bench() {
  local name=$1 cap=$2; shift 2
  local t; t=$(allow "$cap")
  if [ "$t" -lt 30 ]; then echo "gpu-run: no time left for $name" | summary; return; fi
  echo "== $name (limit ${t}s): $*" >>"$out/bench.log"
  timeout "$t" "${bench_java[@]}" com.mka1.backend.cuda.TrainingStepBenchmark "$@" ${BENCH_ARGS:-} \
      >>"$out/bench.log" 2>&1 || echo "gpu-run: $name benchmark exit $? (see bench.log)" | summary
}
# PyTorch on the same shapes: NAME CAP CONFIG [ENV...]
torchrun() {
  local name=$1 cap=$2 config=$3; shift 3
  [ "${TORCH:-1}" = 1 ] && [ "$torch_ok" = 1 ] || return 0
  local t; t=$(allow "$cap")
  if [ "$t" -lt 20 ]; then echo "gpu-run: no time left for PyTorch $name" | summary; return; fi
  env TORCH_DEVICE=cuda TORCH_AMP=bf16 TORCH_SKIP_DECODE=1 "$@" timeout "$t" python3 "$root/bench/torch_llama.py" "$config" 16 "$steps" \
      >>"$out/torch.log" 2>&1 || echo "gpu-run: PyTorch $name exit $?" | summary
  tail -1 "$out/torch.log" | grep '^{' | sed "s/^/pytorch $name: /" | summary
}
torch_ok=0
if python3 -c "import torch; assert torch.cuda.is_available()" 2>/dev/null; then
  torch_ok=1
  python3 -c "import torch; print('pytorch', torch.__version__, 'cuda', torch.version.cuda)" | summary
else
  echo "pytorch: not available here (python3 -c 'import torch' with CUDA failed): no side-by-side figures" | summary
fi

common=(--matmul bf16 --attention flash --steps "$steps" --warmup 1 --profile false)
run_stages() {
if [ "${SKIP_BENCH:-0}" != 1 ]; then
  for stage in ${STAGES:-1b 8b 135m}; do
    case $stage in
      1b)
        bench "llama-3.2-1b" 150 --config llama-3.2-1b --batch 8 --seq 1024 --parts lora,full --lora-rank 16 "${common[@]}"
        torchrun "llama-3.2-1b LoRA r=16" 60 llama1b-lora
        torchrun "llama-3.2-1b full" 60 llama1b-full ;;
      8b)
        bench "llama-3.1-8b" 170 --config llama-3.1-8b --batch 8 --seq 1024 --parts lora --lora-rank 16 --recompute "${common[@]}"
        torchrun "llama-3.1-8b LoRA r=16, checkpointing" 90 llama8b-lora TORCH_CHECKPOINT=1 ;;
      135m)
        bench "smollm-135m" 60 --config smollm-135m --batch 8 --seq 512 --parts lora,full --lora-rank 8 "${common[@]}"
        torchrun "smollm-135m LoRA r=8" 30 smollm-lora TORCH_BATCH=8
        torchrun "smollm-135m full" 30 smollm-full TORCH_BATCH=8 ;;
      tiny) # checks this harness without a GPU: STAGES=tiny BENCH_ARGS="--backend cpu --peak-tflops 1"
        bench "tiny" 60 --config tiny --batch 2 --seq 64 --parts lora,full --lora-rank 16 --recompute --steps 1 --warmup 1 \
            --profile false ;;
    esac
  done
  grep -E "^(device|train|memory|wrote)|Exception|Error" "$out/bench.log" | sed 's/^/mka1: /' >>"$out/summary.txt"
fi
}
