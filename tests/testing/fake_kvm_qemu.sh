#!/bin/sh
# A stand-in for qemu-system-x86_64 on a host whose KVM cannot run a guest.
# With "-accel kvm" it behaves as FAKE_KVM_SHAPE says; anything else (TCG,
# --version) runs the real QEMU with the same arguments.
#   dump    prints the register dump of a KVM emulation failure on stderr and
#           stays alive, as QEMU does with a paused guest
#   exit    prints the MSR error and exits at once
#   silent  prints nothing and stays alive
case " $* " in
  *" -accel kvm "*) ;;
  *) exec qemu-system-x86_64 "$@" ;;
esac
case "$FAKE_KVM_SHAPE" in
  dump)
    cat >&2 <<'DUMP'
KVM internal error. Suberror: 1
extra data[0]: 0x0000000000000001
extra data[1]: 0x0000000000000000
emulation failure
RAX=0000000000000000 RBX=0000000000000000 RCX=00000000c0000080 RDX=0000000000000000
RSI=0000000000000000 RDI=0000000000000000 RBP=0000000000000000 RSP=0000000000000000
RIP=000000000000fff0 RFL=00000002 [-------] CPL=0 II=0 A20=1 SMM=0 HLT=0
ES =0000 00000000 0000ffff 00009300
Code=00 00 00 00 00 00 00 00 00 00 00 00 <f0> 48 0f c7 0e 00 00 00 00 00 00
DUMP
    exec sleep 600
    ;;
  exit)
    echo "qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69" >&2
    exit 1
    ;;
  silent)
    exec sleep 600
    ;;
esac
echo "fake_kvm_qemu: set FAKE_KVM_SHAPE to dump, exit or silent" >&2
exit 2
