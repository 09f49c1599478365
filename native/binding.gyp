{
  "targets": [
    {
      "target_name": "eggroll_blas",
      "sources": ["eggroll_blas.c"],
      "cflags": ["-O2", "-std=c11"],
      "libraries": ["-lopenblas"]
    }
  ]
}
