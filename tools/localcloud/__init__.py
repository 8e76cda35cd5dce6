"""Local real deployments: the ``qemu`` cloud behind ``muranokit deploy --cloud qemu``.

Modules, one job each: ``procs`` (detached processes recognised by marker), ``broker``
(RabbitMQ per environment), ``hub`` (segment switch), ``network`` (segments, floating-IP
ports), ``seed`` (config drive), ``vm`` (qemu), ``guestlog`` (murano-agent's log),
``agent`` (plans over AMQP), ``servers`` (a pushed stack read as VMs), ``lifecycle`` (one
environment's processes and files), ``registry`` (what runs on this machine) and ``backend``
(the engine's cloud interface, implemented with all of the above).
"""
