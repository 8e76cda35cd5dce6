"""The deterministic allocator: stable addresses and ids, release, state round trip."""

import ipaddress

import pytest

from muranokit.engine.corelib.cloud.allocator import AllocationError, Allocator


def test_fixed_ips_are_sequential_per_network_and_stable_per_owner():
    alloc = Allocator()
    a = alloc.fixed_ip("net1", "10.0.5.0/24", "stack/port-a/")
    b = alloc.fixed_ip("net1", "10.0.5.0/24", "stack/port-b/")
    assert a != b
    assert ipaddress.ip_address(a) in ipaddress.ip_network("10.0.5.0/24")
    assert alloc.fixed_ip("net1", "10.0.5.0/24", "stack/port-a/") == a
    # another network has its own pool
    c = alloc.fixed_ip("net2", "192.168.7.0/24", "stack/port-a/")
    assert ipaddress.ip_address(c) in ipaddress.ip_network("192.168.7.0/24")


def test_same_requests_give_same_values():
    def run():
        alloc = Allocator()
        return [alloc.fixed_ip("n", "10.1.0.0/24", f"o{i}") for i in range(5)] + [
            alloc.floating_ip(f"f{i}") for i in range(3)]
    assert run() == run()


def test_release_frees_an_address_for_reuse():
    alloc = Allocator()
    first = alloc.fixed_ip("n", "10.1.0.0/24", "x/a/")
    alloc.fixed_ip("n", "10.1.0.0/24", "x/b/")
    alloc.release_prefix("x/a/")
    assert alloc.fixed_ip("n", "10.1.0.0/24", "x/c/") == first


def test_floating_pool_and_exhaustion():
    alloc = Allocator()
    assert alloc.floating_ip("a") != alloc.floating_ip("b")
    tiny = Allocator()
    with pytest.raises(AllocationError, match="no free address"):
        for i in range(10):
            tiny.fixed_ip("n", "10.9.9.0/29", f"o{i}")


def test_invalid_cidr_is_reported():
    with pytest.raises(AllocationError, match="invalid CIDR"):
        Allocator().fixed_ip("n", "not-a-cidr", "o")


def test_ids_are_uuid5_of_kind_and_key():
    assert Allocator.make_id("port", "s/a") == Allocator.make_id("port", "s/a")
    assert Allocator.make_id("port", "s/a") != Allocator.make_id("port", "s/b")


def test_state_round_trip_continues_allocation():
    alloc = Allocator()
    alloc.fixed_ip("n", "10.1.0.0/24", "a")
    alloc.floating_ip("a")
    again = Allocator(alloc.to_state())
    assert again.fixed_ip("n", "10.1.0.0/24", "a") == alloc.fixed_ip("n", "10.1.0.0/24", "a")
    assert again.fixed_ip("n", "10.1.0.0/24", "b") == alloc.fixed_ip("n", "10.1.0.0/24", "b")
