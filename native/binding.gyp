{
  "variables": { "openblas%": "0" },
  "targets": [
    {
      "target_name": "eggroll_native",
      "sources": ["eggroll_native.c"],
      "cflags": ["-O3", "-std=c11", "-ffp-contract=off"],
      "conditions": [
        ["openblas==1", { "defines": ["EGGROLL_OPENBLAS"], "libraries": ["-lopenblas"] }]
      ]
    }
  ]
}
