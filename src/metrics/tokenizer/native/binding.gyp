{
  "targets": [
    {
      "target_name": "jcb_lattice",
      "sources": ["addon.cc", "characters.cc", "lattice.cc", "token-ids.cc"],
      "cflags_cc": ["-O3", "-std=c++17", "-Wall", "-Wextra"],
      "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-O3", "-std=c++17", "-Wall", "-Wextra"] },
      "msvs_settings": { "VCCLCompilerTool": { "Optimization": 2 } }
    }
  ]
}
