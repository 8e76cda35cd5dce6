"""Dry-runs of the example object models on the offline engine: the ordered
agent plans per VM with their parameters, Heat resources, reports, Out
properties, redeployments, scaling actions, pods and failure recovery."""

import copy
import json

import pytest
from k8s_dryrun import (
    TEST_APPS,
    Deployment,
    cluster_of,
    example,
    find,
    ingress_rules,
    ip_of,
    plans,
    plans_by_vm,
    reports,
    vms,
)

MASTER, NODE, GATEWAY = "murano-kube-1", "murano-kube-2", "murano-gateway-1"
KEYS, SIGN = "Make node keys and certificate requests", "Sign node certificates"


@pytest.fixture(scope="module")
def minimal():
    deployment = Deployment(example("minimal-cluster.json"))
    return deployment, deployment.deploy()


def test_minimal_cluster_plans_per_vm(minimal):
    _, out = minimal
    assert out.ok, out.error
    assert plans_by_vm(out) == {
        MASTER: ["Start the first etcd member", "Register an etcd member",
                 "Register an etcd member", "Start Calico",
                 "Start the Kubernetes control plane", SIGN, SIGN,
                 "Deploy the Calico controllers", "Deploy the kube-dns add-on",
                 "Deploy the dashboard add-on"],
        NODE: ["Start an etcd member", "Start Calico", KEYS, "Join a Kubernetes node"],
        GATEWAY: ["Start an etcd member", "Start Calico", KEYS, "Set up a gateway"],
    }
    assert sorted(vms(out, "vm_created")) == sorted([MASTER, NODE, GATEWAY])


def test_minimal_cluster_order_and_parameters(minimal):
    _, out = minimal
    steps = plans(out)
    names = [(vm, name) for vm, name, _ in steps]
    master_ip, node_ip, gateway_ip = ip_of(out, MASTER), ip_of(out, NODE), ip_of(out, GATEWAY)
    # etcd: master first, then for each member: registration on the master, then its etcd
    first_member = names.index((MASTER, "Start the first etcd member"))
    registrations = [i for i, n in enumerate(names) if n == (MASTER, "Register an etcd member")]
    assert [steps[i][2] for i in registrations] == [
        {"name": NODE, "ip": node_ip}, {"name": GATEWAY, "ip": gateway_ip}]
    node_etcd = names.index((NODE, "Start an etcd member"))
    gateway_etcd = names.index((GATEWAY, "Start an etcd member"))
    assert first_member < registrations[0] < node_etcd < registrations[1] < gateway_etcd
    assert steps[gateway_etcd][2]["initialCluster"] == (
        f"{MASTER}=http://{master_ip}:2380,{NODE}=http://{node_ip}:2380,"
        f"{GATEWAY}=http://{gateway_ip}:2380")
    # the control plane before any node joins; add-ons last
    control = names.index((MASTER, "Start the Kubernetes control plane"))
    assert control < names.index((NODE, "Join a Kubernetes node"))
    assert control < names.index((GATEWAY, "Set up a gateway"))
    assert names[-3:] == [(MASTER, "Deploy the Calico controllers"),
                          (MASTER, "Deploy the kube-dns add-on"),
                          (MASTER, "Deploy the dashboard add-on")]
    assert [params for _, _, params in steps[-3:]] == [
        {}, {"dnsIp": "10.254.0.10", "domain": "cluster.local"}, {}]
    join = steps[names.index((NODE, "Join a Kubernetes node"))][2]
    assert join == {"name": NODE, "ip": node_ip, "masterIp": master_ip, "dockerRegistry": "",
                    "dockerMirror": "", "dnsIp": "10.254.0.10", "podRange": "10.200.0.0/16",
                    "certificates": ""}
    assert steps[control][2] == {"name": MASTER, "ip": master_ip, "publicIp": ip_of_public(out),
                                 "serviceRange": "10.254.0.0/16"}
    gateway = steps[names.index((GATEWAY, "Set up a gateway"))][2]
    assert (gateway["masterIp"], gateway["podRange"]) == (master_ip, "10.200.0.0/16")
    # certificates: each node makes its keys and requests, the master signs them, then the
    # node's setup gets the signed certificates (the engine's agent answers with '')
    for vm, role, setup in ((NODE, "node", "Join a Kubernetes node"),
                            (GATEWAY, "gateway", "Set up a gateway")):
        keys = names.index((vm, KEYS))
        (sign,) = [i for i, (who, name) in enumerate(names)
                   if name == SIGN and steps[i][2]["name"] == vm]
        assert control < keys < sign < names.index((vm, setup))
        assert steps[keys][2] == {"name": vm, "role": role}
        assert steps[sign][2] == {"name": vm, "ip": ip_of(out, vm), "role": role,
                                  "requests": ""}


def ip_of_public(outcome, vm_name: str = MASTER) -> str:
    for instance in find(outcome.model, ".LinuxMuranoInstance"):
        if instance["name"] == vm_name:
            return instance.get("floatingIpAddress") or ""
    raise KeyError(vm_name)


def test_minimal_cluster_reports_and_outputs(minimal):
    _, out = minimal
    texts = reports(out)
    assert texts[0] == "Opening cluster ports in the security group"
    master_address = ip_of_public(out) or ip_of(out, MASTER)
    assert f"Kubernetes cluster minimal is up; API at https://{master_address}:6443 " \
           "(TLS, client certificates)" in texts
    assert f"Node {NODE} is ready" in texts
    assert not any("4194" in t or "8080" in t or "http://" in t for t in texts)
    assert not reports(out, "error")
    cluster = cluster_of(out)
    assert cluster["serviceEndpoints"] == []
    assert (cluster["nodeCount"], cluster["gatewayCount"]) == (1, 1)
    rules = ingress_rules(out)
    assert {("tcp", 2380), ("tcp", 10250), ("tcp", 6443), ("udp", 4789)} <= rules
    assert not {("tcp", 8080), ("tcp", 4194), ("tcp", 2379), ("udp", 8472)} & rules


def test_redeploy_with_nothing_changed_runs_no_plan():
    deployment = Deployment(example("minimal-cluster.json"))
    assert deployment.deploy().ok
    again = deployment.deploy()
    assert again.ok, again.error
    assert plans(again) == [] and vms(again, "vm_created") == []


def test_flannel_cluster():
    out = Deployment(example("flannel-cluster.json")).deploy()
    assert out.ok, out.error
    by_vm = plans_by_vm(out)
    assert "murano-kube-5" not in by_vm, "only nodeCount nodes are deployed"
    etcd = ["Start the first etcd member"] + ["Register an etcd member"] * 4
    assert by_vm[MASTER][:7] == etcd + ["Store the Flannel network", "Start Flannel"]
    for vm in ("murano-kube-2", "murano-kube-3", "murano-kube-4", GATEWAY):
        assert "Start Flannel" in by_vm[vm]
    assert not any("Calico" in name for _, name, _ in plans(out))
    flannel = [p for vm, name, p in plans(out) if name == "Store the Flannel network"]
    assert flannel == [{"podRange": "10.200.0.0/16"}]
    rules = ingress_rules(out)
    assert ("udp", 8472) in rules and ("udp", 4789) not in rules


def test_scale_nodes_up_and_down():
    deployment = Deployment(example("flannel-cluster.json"))
    cluster_id = cluster_of(deployment.deploy())["?"]["id"]

    up = deployment.action(cluster_id, "scaleNodesUp")
    assert up.ok, up.error
    assert vms(up, "vm_created") == ["murano-kube-5"]
    assert plans_by_vm(up) == {
        MASTER: ["Register an etcd member", SIGN],
        "murano-kube-5": ["Start an etcd member", "Start Flannel", KEYS,
                          "Join a Kubernetes node"]}
    assert cluster_of(up)["nodeCount"] == 4

    full = deployment.action(cluster_id, "scaleNodesUp")
    assert plans(full) == [] and cluster_of(full)["nodeCount"] == 4
    assert "No node to add, the pool (4 nodes) is in use; add nodes to minionNodes to grow" in reports(full)

    down = deployment.action(cluster_id, "scaleNodesDown")
    assert down.ok, down.error
    assert plans(down) == [(MASTER, "Drain and unregister a Kubernetes node",
                            {"name": "murano-kube-5"}),
                           (MASTER, "Remove an etcd member", {"name": "murano-kube-5"})]
    assert vms(down, "vm_deleted") == ["murano-kube-5"]
    removed = [r for e in down.events if e["kind"] == "heat_push" for r in e["removed"]]
    assert "murano-kube-5" in removed
    assert cluster_of(down)["nodeCount"] == 3

    again = deployment.action(cluster_id, "scaleNodesUp")  # memos were cleared
    assert vms(again, "vm_created") == ["murano-kube-5"]
    assert (MASTER, "Register an etcd member") in [(vm, n) for vm, n, _ in plans(again)]


def test_scale_gateways_up_and_down():
    deployment = Deployment(example("flannel-cluster.json"))
    cluster_id = cluster_of(deployment.deploy())["?"]["id"]
    up = deployment.action(cluster_id, "scaleGatewaysUp")
    assert up.ok, up.error
    assert vms(up, "vm_created") == ["murano-gateway-2"]
    assert plans_by_vm(up)["murano-gateway-2"] == [
        "Start an etcd member", "Start Flannel", KEYS, "Set up a gateway"]
    down = deployment.action(cluster_id, "scaleGatewaysDown")
    assert plans(down) == [(MASTER, "Remove an etcd member", {"name": "murano-gateway-2"})]
    assert vms(down, "vm_deleted") == ["murano-gateway-2"]
    last = deployment.action(cluster_id, "scaleGatewaysDown")
    assert plans(last) == [] and cluster_of(last)["gatewayCount"] == 1
    assert "The cluster keeps at least one gateway" in reports(last)


ETCD_FAILURE = """
agent:
  - plan: "Start an etcd member"
    vm: murano-kube-2
    fail: "etcd member did not become healthy"
"""


def test_failed_etcd_member_step_is_reported_and_a_later_deploy_recovers():
    deployment = Deployment(example("minimal-cluster.json"))
    failed = deployment.deploy(rules=ETCD_FAILURE)
    assert not failed.ok
    errors = reports(failed, "error")
    assert len(errors) == 1 and errors[0].startswith("etcd setup failed on murano-kube-2 - ")
    assert "etcd member did not become healthy" in errors[0]
    assert not any(name == "Join a Kubernetes node" for _, name, _ in plans(failed))
    assert [e["kind"] for e in failed.events].count("exception") == 1

    recovered = deployment.deploy()
    assert recovered.ok, recovered.error
    assert vms(recovered, "vm_created") == [], "VMs are kept"
    by_vm = plans_by_vm(recovered)
    assert by_vm[NODE] == ["Start an etcd member", "Start Calico", KEYS,
                           "Join a Kubernetes node"]
    assert by_vm[MASTER][:2] == ["Register an etcd member", "Register an etcd member"]
    assert "Start the first etcd member" not in by_vm[MASTER]


def _with_web_app(model_name, host_index):
    model = example(model_name)
    apps = model["Objects"]["applications"]
    apps.append({"?": {"id": "web-app-1", "type": "com.example.test.WebApp"},
                 "name": "web", "host": apps[host_index]["?"]["id"]})
    return model


def test_pod_hosts_a_docker_application():
    deployment = Deployment(_with_web_app("cluster-with-pod.json", 1), (TEST_APPS,))
    out = deployment.deploy()
    assert out.ok, out.error
    # the environment deploys the cluster and the pod in parallel and the pod
    # deploys the cluster too: still every VM and every step exactly once
    assert sorted(vms(out, "vm_created")) == sorted([MASTER, NODE, GATEWAY])
    assert plans_by_vm(out)[NODE] == [
        "Start an etcd member", "Start Calico", KEYS, "Join a Kubernetes node"]
    master_plans = [(name, params) for vm, name, params in plans(out) if vm == MASTER]
    (rc,) = [p for n, p in master_plans if n == "Create or replace a replication controller"]
    assert rc["isNew"] is True
    spec = rc["definition"]["spec"]
    assert spec["replicas"] == 2 and spec["selector"] == {"id": "web"}
    assert rc["definition"]["metadata"]["labels"] == {"tier": "front", "app": "shop", "id": "web"}
    (container,) = spec["template"]["spec"]["containers"]
    assert container["image"] == "nginx:1.25"
    assert container["env"] == [{"name": "GREETING", "value": "hello"}]
    assert sorted(p["containerPort"] for p in container["ports"]) == [80, 7000, 9090]
    volumes = {v["name"]: v for v in spec["template"]["spec"]["volumes"]}
    assert volumes["web-vol-1"]["hostPath"] == {"path": "/srv/data"}
    assert volumes["web-vol-2"]["emptyDir"] == {}
    (service,) = [p for n, p in master_plans
                  if n == "Create or replace a service and its gateway routes"]
    assert service["definition"]["spec"]["clusterIP"] == "10.254.0.100"
    assert sorted(p["port"] for p in service["definition"]["spec"]["ports"]) == [80, 9090]
    assert sorted(service["routes"]) == ["tcp/80/10.254.0.100/80", "tcp/9090/10.254.0.100/9090"]

    endpoints = cluster_of(out)["serviceEndpoints"]
    scopes = sorted((e["containerPort"], e["scope"]) for e in endpoints)
    assert scopes == [(80, "cloud"), (80, "host"), (80, "internal"), (80, "public"),
                      (7000, "host"), (9090, "cloud"), (9090, "host"), (9090, "internal")]
    gateway_ip = ip_of(out, GATEWAY)
    assert {e["address"] for e in endpoints if e["scope"] == "cloud"} == {gateway_ip}
    (app,) = find(out.model, ".WebApp")
    assert len(app["applicationEndpoints"]) == len(endpoints)

    assert plans(deployment.deploy()) == [], "nothing changed, nothing runs"


def test_pod_actions_and_removal():
    model = _with_web_app("cluster-with-pod.json", 1)
    deployment = Deployment(model, (TEST_APPS,))
    out = deployment.deploy()
    (pod,) = find(out.model, ".KubernetesPod")
    pod_id = pod["?"]["id"]

    up = deployment.action(pod_id, "scalePodUp")
    resize = "Resize a replication controller"
    assert plans(up) == [(MASTER, resize, {"rcName": "web", "replicas": 3})]
    down = deployment.action(pod_id, "scalePodDown")
    assert plans(down) == [(MASTER, resize, {"rcName": "web", "replicas": 2})]
    assert find(down.model, ".KubernetesPod")[0]["replicas"] == 2
    recreate = deployment.action(pod_id, "recreatePod")
    assert plans(recreate) == [(MASTER, "Delete pods by label", {"selector": "id=web"})]
    restart = deployment.action(pod_id, "restartContainers")
    assert plans(restart) == [(NODE, "Restart the containers of a pod", {"podName": "web"})]

    deployment.model = copy.deepcopy(model)
    deployment.model["Objects"]["applications"].pop()  # the application is removed
    removed = deployment.deploy()
    assert removed.ok, removed.error
    assert [(vm, name) for vm, name, _ in plans(removed)] == [
        (MASTER, "Delete services and their gateway routes"),
        (MASTER, "Delete a replication controller"),
        (MASTER, "Delete pods by label")]
    assert cluster_of(removed)["serviceEndpoints"] == []


def test_standalone_docker_host():
    deployment = Deployment(_with_web_app("docker-standalone-host.json", 0), (TEST_APPS,))
    out = deployment.deploy()
    assert out.ok, out.error
    steps = plans(out)
    assert [name for _, name, _ in steps] == [
        "Configure and start Docker", "Pull a Docker image", "Run a Docker container"]
    assert {vm for vm, _, _ in steps} == {"docker-host-1"}
    assert steps[0][2] == {"registry": "", "mirror": "https://mirror.example.org"}
    run = steps[2][2]
    assert run["publish"] == ["80:80/tcp", "9090:9090/tcp", "127.0.0.1:7000:7000/udp"]
    assert sorted(run["volumes"]) == ["/srv/data:/data", "/tmp/cache"]
    assert run["env"] == {"GREETING": "hello"} and run["image"] == "nginx:1.25"
    (host,) = find(out.model, ".DockerStandaloneHost")
    assert host["containers"] == ["web"]
    scopes = sorted((e["containerPort"], e["scope"]) for e in host["applicationEndpoints"])
    assert scopes == [(80, "cloud"), (80, "public"), (7000, "host"), (9090, "cloud")]


def test_cluster_from_the_form_with_flannel_registry_and_google_key():
    deployment = Deployment({})
    out = deployment.deploy_app("com.mirantis.docker.kubernetes.KubernetesCluster", {
        "name": "demo", "maxMinionCount": 3, "minionCount": 2, "useFlannel": "true",
        "enableDashboard": "false", "dockerRegistry": "registry.local:5000",
        "gcloudKey": "TOP-SECRET-KEY", "flavor": "m1.medium"})
    assert out.ok, out.error
    by_vm = plans_by_vm(out)
    assert set(by_vm) == {MASTER, "murano-kube-2", "murano-kube-3", GATEWAY}
    for node in ("murano-kube-2", "murano-kube-3"):
        assert by_vm[node] == ["Start an etcd member", "Start Flannel",
                               "Log in to Google Container Registry", KEYS,
                               "Join a Kubernetes node"]
    assert "Deploy the dashboard add-on" not in by_vm[MASTER]
    joins = [p for _, name, p in plans(out) if name == "Join a Kubernetes node"]
    assert {j["dockerRegistry"] for j in joins} == {"registry.local:5000"}
    report_text = "\n".join(json.dumps(e) for e in out.events)
    assert "TOP-SECRET-KEY" not in report_text, "the key is a password field: masked"


def test_pod_names_are_unique_within_a_cluster():
    model = example("cluster-with-pod.json")
    apps = model["Objects"]["applications"]
    twin = copy.deepcopy(apps[1])
    twin["?"]["id"] = "second-pod-with-the-same-name"
    apps.append(twin)
    out = Deployment(model).deploy()
    assert not out.ok
    (error,) = [e for e in out.events if e["kind"] == "exception"]
    assert error["type"].endswith("PodNameConflictException")
    assert "already has a pod named web" in error["message"]


def test_pod_without_replication_controller():
    model = _with_web_app("cluster-with-pod.json", 1)
    model["Objects"]["applications"][1]["replicas"] = 0
    deployment = Deployment(model, (TEST_APPS,))
    out = deployment.deploy()
    assert out.ok, out.error
    master = [(name, params) for vm, name, params in plans(out) if vm == MASTER]
    assert not any(name == "Create or replace a replication controller" for name, _ in master)
    (pod,) = [params for name, params in master if name == "Create or replace a pod"]
    assert pod["definition"]["kind"] == "Pod" and pod["isNew"] is True
    assert pod["definition"]["metadata"]["name"] == "web"
    pod_id = find(out.model, ".KubernetesPod")[0]["?"]["id"]
    assert plans(deployment.action(pod_id, "scalePodUp")) == []
    recreate = deployment.action(pod_id, "recreatePod")
    assert [name for _, name, _ in plans(recreate)] == [
        "Delete pods by label", "Create or replace a pod"]


def test_label_helpers():
    from k8s_dryrun import SUITE_FOLDERS

    from muranokit.engine import Runtime
    runtime = Runtime(SUITE_FOLDERS)
    helpers = runtime.new("com.mirantis.docker.DockerHelpers")
    labels = runtime.call(helpers, "labels2Map", " tier = web, app=shop;no-value;=x;k=a=b")
    assert labels == {"tier": "web", "app": "shop", "k": "a=b"}
    joined = runtime.call(helpers, "map2labels", {"tier": "web", "app": "shop"})
    assert joined == "app=shop;tier=web"


def world_open_rules(outcome) -> set[tuple[str, int]]:
    """(protocol, port) of the security group rules open to any address."""
    found = set()
    for template in outcome.templates.values():
        for resource in (template.get("resources") or {}).values():
            if resource.get("type") == "OS::Neutron::SecurityGroup":
                for rule in resource["properties"].get("rules") or []:
                    if rule.get("remote_ip_prefix") in ("0.0.0.0/0", "::/0"):
                        found.add((rule["protocol"], rule.get("port_range_min")))
    return found


def test_only_authenticated_ports_are_open_beyond_the_cluster(minimal):
    _, out = minimal
    opened = {port for _, port in world_open_rules(out)}
    # the API server (TLS, client certificates) because the master has a floating IP; ssh
    assert 6443 in opened and opened <= {22, 6443}, opened
    model = example("minimal-cluster.json")
    model["Objects"]["applications"][0]["masterNode"]["instance"]["assignFloatingIp"] = False
    private = Deployment(model).deploy()
    assert private.ok, private.error
    assert 6443 not in {port for _, port in world_open_rules(private)}


def test_expose_cadvisor_publishes_the_authenticated_kubelet_api():
    model = example("minimal-cluster.json")
    model["Objects"]["applications"][0]["minionNodes"][0]["exposeCAdvisor"] = True
    model["Objects"]["applications"][0]["minionNodes"][0]["instance"]["assignFloatingIp"] = True
    out = Deployment(model).deploy()
    assert out.ok, out.error
    assert ("tcp", 10250) in world_open_rules(out)
    assert ("tcp", 4194) not in ingress_rules(out)
    (ready,) = [t for t in reports(out) if t.startswith(f"Node {NODE} is ready")]
    assert ":10250/metrics/cadvisor (kubelet API, client certificate required)" in ready
    dashboard = [t for t in reports(out) if t.startswith("Dashboard")]
    assert dashboard and ":6443/api/v1/namespaces/kube-system/services/" \
        "https:kubernetes-dashboard:/proxy/" in dashboard[0]
