export MURANOKIT_KUBERNETES_VERSION=v1.21.14
# Kubernetes 1.21 supports the kubelet on cgroup v1 only (cgroup v2 became beta in 1.22);
# Debian 12 boots with cgroup v2 unless told otherwise.
case " ${DIB_BOOTLOADER_DEFAULT_CMDLINE:-} " in
    *" systemd.unified_cgroup_hierarchy="*) ;;
    *) export DIB_BOOTLOADER_DEFAULT_CMDLINE="${DIB_BOOTLOADER_DEFAULT_CMDLINE:-nofb nomodeset gfxpayload=text} systemd.unified_cgroup_hierarchy=0" ;;
esac
