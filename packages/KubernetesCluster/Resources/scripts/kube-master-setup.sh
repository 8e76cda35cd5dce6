#!/bin/bash
# Starts the control plane on the master over TLS: makes the cluster CA, the API server's
# certificate (for the service IP, the master's fixed and public IPs and the kubernetes.*
# names), the service-account key pair and the client certificates and kubeconfigs of
# kube-controller-manager, kube-scheduler and the administrator (root's kubectl), then
# starts kube-apiserver (port 6443), kube-controller-manager and kube-scheduler (both on
# 127.0.0.1 only) and lets the gateways' kubectl read the cluster.
# Usage: kube-master-setup.sh NAME IP PUBLIC_IP SERVICE_CIDR   (PUBLIC_IP may be empty)
set -euo pipefail
cd "$(dirname "$0")"
# shellcheck disable=SC1091
source ./kube-pki.sh

name="$1"
ip="$2"
public_ip="$3"
service_cidr="$4"
api="https://$ip:6443"
service_ip=$(first_service_ip "$service_cidr")

pki_init
pki_ca
san="DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc"
san="$san,DNS:kubernetes.default.svc.cluster.local,DNS:$name"
san="$san,IP:$service_ip,IP:$ip,IP:127.0.0.1${public_ip:+,IP:$public_ip}"
pki_cert apiserver "/CN=kube-apiserver" server "$san"
pki_cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" client
pki_key sa
openssl pkey -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub"
pki_cert admin "/O=system:masters/CN=kubernetes-admin" client
pki_cert controller-manager "/CN=system:kube-controller-manager" client
pki_cert scheduler "/CN=system:kube-scheduler" client

kubeconfig_write /etc/kubernetes/admin.conf https://127.0.0.1:6443 kubernetes-admin admin
kubeconfig_write /etc/kubernetes/controller-manager.conf https://127.0.0.1:6443 \
    system:kube-controller-manager controller-manager
kubeconfig_write /etc/kubernetes/scheduler.conf https://127.0.0.1:6443 \
    system:kube-scheduler scheduler
kubeconfig_write /root/.kube/config "$api" kubernetes-admin admin
if [ -n "$public_ip" ]; then
    kubeconfig_write /etc/kubernetes/admin-public.conf "https://$public_ip:6443" \
        kubernetes-admin admin
fi

for unit in kube-apiserver kube-controller-manager kube-scheduler; do
    install -m 0644 "systemd/$unit.service" "/etc/systemd/system/$unit.service"
done

# shellcheck disable=SC2054 # commas separate values inside one flag, not array elements
apiserver_opts=(
    --advertise-address="$ip" --bind-address=0.0.0.0 --secure-port=6443
    --etcd-servers=http://127.0.0.1:2379 --service-cluster-ip-range="$service_cidr"
    --allow-privileged=true --authorization-mode=Node,RBAC
    --enable-admission-plugins=NamespaceLifecycle,LimitRanger,ServiceAccount,NodeRestriction,ResourceQuota
    --client-ca-file="$PKI/ca.crt"
    --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key"
    --kubelet-certificate-authority="$PKI/ca.crt"
    --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt"
    --kubelet-client-key="$PKI/apiserver-kubelet-client.key"
    --kubelet-preferred-address-types=InternalIP,Hostname
    --service-account-issuer=https://kubernetes.default.svc.cluster.local
    --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key"
    --logtostderr=true
)
controller_manager_opts=(
    --kubeconfig=/etc/kubernetes/controller-manager.conf
    --authentication-kubeconfig=/etc/kubernetes/controller-manager.conf
    --authorization-kubeconfig=/etc/kubernetes/controller-manager.conf
    --bind-address=127.0.0.1 --client-ca-file="$PKI/ca.crt" --root-ca-file="$PKI/ca.crt"
    --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key"
    --service-account-private-key-file="$PKI/sa.key" --use-service-account-credentials=true
    --service-cluster-ip-range="$service_cidr" --leader-elect=false --logtostderr=true
)
scheduler_opts=(
    --kubeconfig=/etc/kubernetes/scheduler.conf
    --authentication-kubeconfig=/etc/kubernetes/scheduler.conf
    --authorization-kubeconfig=/etc/kubernetes/scheduler.conf
    --bind-address=127.0.0.1 --port=0 --leader-elect=false --logtostderr=true
)
umask 022
cat > /etc/default/kube-apiserver <<CONF
KUBE_APISERVER_OPTS=${apiserver_opts[*]}
CONF
cat > /etc/default/kube-controller-manager <<CONF
KUBE_CONTROLLER_MANAGER_OPTS=${controller_manager_opts[*]}
CONF
cat > /etc/default/kube-scheduler <<CONF
KUBE_SCHEDULER_OPTS=${scheduler_opts[*]}
CONF

systemctl daemon-reload
for unit in kube-apiserver kube-controller-manager kube-scheduler; do
    systemctl enable "$unit.service"
    systemctl restart "$unit.service"
done

kubectl=(/opt/bin/kubectl --kubeconfig=/etc/kubernetes/admin.conf)
healthy=0
for _ in $(seq 1 90); do
    if "${kubectl[@]}" get --raw /healthz >/dev/null 2>&1; then
        healthy=1
        break
    fi
    sleep 2
done
if [ "$healthy" != 1 ]; then
    echo "kube-apiserver did not become healthy on $name" >&2
    exit 1
fi
# gateways run kubectl with a certificate of the murano:gateways group: read-only access
"${kubectl[@]}" apply -f - <<'RBAC'
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: murano:gateways-view
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: view
subjects:
  - apiGroup: rbac.authorization.k8s.io
    kind: Group
    name: murano:gateways
RBAC
echo "Kubernetes control plane is up on $name ($api)"
