# "package": Debian's etcd-server/etcd-client; "binary": the pinned upstream release
export DIB_MURANOKIT_ETCD_SOURCE=${DIB_MURANOKIT_ETCD_SOURCE:-package}
export MURANOKIT_ETCD_VERSION=v3.5.12
