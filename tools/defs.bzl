"""The one file BUILD files load perfcell's rules and macros from."""

load("//tools:images.bzl", _ext4_image = "ext4_image", _guest_initramfs = "guest_initramfs", _payload_image = "payload_image", _vm_image = "vm_image")
load("//tools:perf_matrix.bzl", _perf_matrix = "perf_matrix")

ext4_image = _ext4_image
guest_initramfs = _guest_initramfs
perf_matrix = _perf_matrix
payload_image = _payload_image
vm_image = _vm_image
