# shellcheck shell=sh
# The Kubernetes, etcd, Calico, Flannel and confd binaries live in /opt/bin.
case ":$PATH:" in
    *:/opt/bin:*) ;;
    *) PATH="$PATH:/opt/bin" ;;
esac
export PATH
