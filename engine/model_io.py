"""Object-model input/output: load a Murano object model, serialise it back, collect garbage.

The model is what the Murano API hands the engine: ``{"Objects": root, "Attributes": [...],
"ObjectsCopy": previous root}`` (or a bare root object). An object is a dict with
``"?": {"type": ..., "id": ...}``; nested object dicts are owned by the object holding them,
id strings are references. Objects present in ObjectsCopy but gone from Objects are destroyed
(``.destroy``), dependents before what they depend on, as Murano's session GC does.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from . import events
from .contracts import ready_property, template_values
from .exceptions import EngineFault, MuranoPlError
from .executor.lifecycle import initialize_properties, run_init
from .files.versions import satisfies
from .model.objects import OBJECT_TYPES, MuranoObject
from .syntax.schema import HIDDEN_USAGES
from .values import freeze, is_mapping


class ModelError(MuranoPlError):
    """A malformed object model (duplicate ids, dangling references, unknown classes);
    ``model_path`` (also ``path``) says where in the model."""

    def __init__(self, message: str, path: str, type_name: str = "ModelLoadError") -> None:
        super().__init__(type_name, f"{path}: {message}")
        self.path = path
        self.model_path = path


def _header(value: Any) -> dict | None:
    if isinstance(value, dict):
        head = value.get("?")
        if isinstance(head, dict) and "type" in head and "id" in head:
            return head
    return None


def type_name_of(head: dict) -> str:
    name = str(head["type"])
    return name.split("/", 1)[0]


def type_parts(head: dict) -> tuple[str, str | None, str | None]:
    """(class name, version spec, package) of a header: ``type`` written
    ``name/version@package`` (each part after the name optional), or ``classVersion``
    and ``package`` keys beside a bare name."""
    text = str(head["type"])
    text, _, package = text.partition("@")
    name, _, version = text.partition("/")
    version = version or head.get("classVersion")
    package = package or head.get("package")
    return name, None if version is None else str(version), \
        None if package is None else str(package)


def check_class_version(cls: Any, version: str | None, package: str | None) -> str | None:
    """Why ``cls`` is not the class a header asks for (None: it is): another package, or a
    version outside the header's spec (a version means exactly it, as in Murano)."""
    owner = cls.package
    if package and owner.name != package:
        return f"class {cls.name} comes from package {owner.name}, not {package}"
    if version:
        fits = satisfies(owner.version, version)
        if fits is None:
            return f"version {version!r} is not a version spec"
        if not fits:
            return (f"no loaded package has version {version} of {cls.name} (package "
                    f"{owner.name} is version {owner.version})")
    return None


class ModelLoad:
    """State of one load: object dicts by id, created objects by id."""

    def __init__(self) -> None:
        self.entries: dict[str, tuple[dict, str | None, str]] = {}  # id -> (dict, owner, path)
        self.objects: dict[str, MuranoObject] = {}
        self._skip: set[int] = set()   # id() of template values met so far

    def collect(self, value: Any, owner_id: str | None, path: str,
                templates: Any = None, strict: bool = False) -> None:
        """Register every object of ``value``; ``templates(head, data)`` names the parts of
        an object's data its contracts take as templates (they are data, not objects);
        ``strict``: a ``"?"`` that is not an object header is an error (an object model),
        not data (``new()`` of a MuranoPL dict)."""
        if self._skip and id(value) in self._skip:
            return
        head = _header(value)
        if head is None and strict and isinstance(value, dict) and "?" in value and not (
                isinstance(value["?"], dict) and isinstance(value["?"].get("type"), str)):
            raise ModelError(f'"?" must be an object header {{"type": ..., "id": ...}}, '
                             f"not {_short(value['?'])}", f"{path}.?")
        if head is not None:
            oid = str(head["id"])
            if oid in self.entries:
                raise ModelError(f"duplicate object id {oid!r} (also at "
                                 f"{self.entries[oid][2]})", path, "DuplicateObjectId")
            self.entries[oid] = (value, owner_id, path)
            owner_id = oid
            if templates is not None:
                self._skip.update(id(part) for part in templates(head, value))
        if isinstance(value, dict):
            for key, item in value.items():
                if key != "?":
                    self.collect(item, owner_id, f"{path}.{key}", templates, strict)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                self.collect(item, owner_id, f"{path}[{i}]", templates, strict)


def _template_finder(runtime: Any):
    """``templates(head, data)`` for :meth:`ModelLoad.collect`: the property values of an
    object that its class's contracts take as ``template()`` (a class that does not load
    is reported later, where the object is created)."""
    def templates(head: dict, data: dict) -> list[Any]:
        try:
            cls = runtime.resolve_class(type_name_of(head), None)
        except (MuranoPlError, EngineFault):
            return []
        found = []
        for key, value in data.items():
            spec = cls.find_property(key) if key != "?" else None
            if spec is not None and isinstance(value, (dict, list)):
                try:
                    found += template_values(ready_property(spec).contract, value)
                except (MuranoPlError, EngineFault):
                    continue
        return found
    return templates


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def references(obj: MuranoObject, private: bool = True) -> list[MuranoObject]:
    """Objects a given object's properties (declared, then - with ``private`` - its
    classes' undeclared ones) point at (owned or not), in property order."""
    found: list[MuranoObject] = []

    def walk(value: Any) -> None:
        if isinstance(value, OBJECT_TYPES):
            found.append(value.real)
        elif is_mapping(value):
            for v in value.values():
                walk(v)
        elif isinstance(value, (tuple, list, frozenset)):
            for v in value:
                walk(v)
    for value in obj.props.values():
        walk(value)
    for value in (obj.private or {}).values() if private else ():
        walk(value)
    return found


def dependency_order(objects: list[MuranoObject], dependents_first: bool) -> list[MuranoObject]:
    """Objects ordered by their references (cycles broken by input order)."""
    members = set(map(id, objects))
    order: list[MuranoObject] = []
    state: dict[int, int] = {}

    def visit(obj: MuranoObject) -> None:
        if state.get(id(obj)):
            return
        state[id(obj)] = 1
        for dep in references(obj):
            if id(dep) in members:
                visit(dep)
        order.append(obj)
    for obj in objects:
        visit(obj)
    return order[::-1] if dependents_first else order


def load(runtime: Any, model: Any) -> MuranoObject | None:
    """Load ``model`` into ``runtime``; returns the root object (or None for an empty model)."""
    if not isinstance(model, dict):
        raise ModelError("an object model must be a mapping", "model")
    if "Objects" in model or "Attributes" in model or "ObjectsCopy" in model:
        root_dict = model.get("Objects")
        attributes = model.get("Attributes") or []
        previous = model.get("ObjectsCopy")
    else:
        root_dict, attributes, previous = model, [], None
    loading = ModelLoad()
    if root_dict is not None:
        if _header(root_dict) is None:
            raise ModelError('the root object has no "?": {type, id} header', "Objects")
        loading.collect(root_dict, None, "Objects", _template_finder(runtime), strict=True)
    _restore_attributes(runtime, attributes)
    created = _create(runtime, loading, set(runtime.objects))
    root = loading.objects.get(str(root_dict["?"]["id"])) if root_dict is not None else None
    try:
        _initialize(runtime, loading, created)
    except MuranoPlError as error:
        _locate(error, loading)
        raise
    if previous is not None:
        _collect_garbage(runtime, loading, previous)
    return root


def load_new(runtime: Any, model: dict, owner: MuranoObject | None, frame: Any,
             params: dict) -> MuranoObject:
    """``new()`` of a (normalised) object model written in MuranoPL: every object in it that
    has an id is created with a fresh id, references by the model's ids resolve among them,
    nested objects are owned by their holders and the top one by ``owner``."""
    head = model["?"]
    if "id" not in head:
        model = dict(model, **{"?": dict(head, id=f"#new-{runtime.new_id()}")})
    loading = ModelLoad()
    loading.collect(model, None, "model")
    created = []
    for mid, (data, _owner_id, _path) in loading.entries.items():
        cls = runtime.resolve_class(type_name_of(data["?"]), None)
        obj = MuranoObject(cls, runtime.new_id(), None, runtime, data["?"].get("name"))
        obj.metadata = data["?"].get("metadata")
        loading.objects[mid] = obj
        created.append(obj)
    for mid, (_data, owner_id, _path) in loading.entries.items():
        loading.objects[mid].owner = loading.objects[owner_id] if owner_id is not None \
            else owner
    for obj in created:
        runtime.objects[obj.id] = obj
    top = loading.objects[str(model["?"]["id"])]
    for mid, (data, _owner_id, _path) in loading.entries.items():
        obj = loading.objects[mid]
        props = params if obj is top else {k: v for k, v in data.items() if k != "?"}
        initialize_properties(runtime, obj, props, loading)
    data_of = {id(loading.objects[mid]): entry[0] for mid, entry in loading.entries.items()}
    for obj in dependency_order(created, dependents_first=False):
        if obj is top:
            run_init(runtime, obj, frame, params)
        else:
            run_init(runtime, obj, frame, init_params=_values(data_of[id(obj)]))
    return top


def _restore_attributes(runtime: Any, attributes: Any) -> None:
    if not isinstance(attributes, list):
        raise ModelError("Attributes must be a list", "Attributes")
    for i, entry in enumerate(attributes):
        if not isinstance(entry, (list, tuple)) or len(entry) != 4:
            raise ModelError("each attribute must be [objectId, className, name, value]",
                             f"Attributes[{i}]")
        oid, cls, name, value = entry
        runtime.attributes[(str(oid), str(cls), str(name))] = freeze(value)


def _create(runtime: Any, loading: ModelLoad, existing: set) -> list[MuranoObject]:
    created = []
    for oid, (data, _owner_id, path) in loading.entries.items():
        if oid in existing:
            raise ModelError(f"object id {oid!r} already exists", path, "DuplicateObjectId")
        head = data["?"]
        name, version, package = type_parts(head)
        try:
            cls = runtime.resolve_class(name, None)
        except MuranoPlError as exc:
            if exc.file is None:
                raise ModelError(exc.message, path + ".?.type", exc.type_name) from None
            raise  # the class's own file is at fault: say where in it
        except EngineFault as exc:
            raise ModelError(exc.message, path + ".?.type", exc.type_name) from None
        wrong = check_class_version(cls, version, package)
        if wrong:
            raise ModelError(wrong, path + ".?.type", "NoClassFound")
        obj = MuranoObject(cls, oid, None, runtime, head.get("name"))
        obj.metadata = head.get("metadata")
        loading.objects[oid] = obj
        created.append(obj)
    for oid, (_data, owner_id, _path) in loading.entries.items():
        if owner_id is not None:
            loading.objects[oid].owner = loading.objects.get(owner_id) or \
                runtime.objects.get(owner_id)
    for obj in created:
        runtime.objects[obj.id] = obj
    for oid, (data, _owner_id, path) in loading.entries.items():
        _restore_subscriptions(runtime, loading, oid, data["?"], path)
    return created


def _restore_subscriptions(runtime: Any, loading: ModelLoad, oid: str, head: dict,
                           path: str) -> None:
    """``"?": {"dependencies": {"onDestruction": [{subscriber, handler}]}}`` of a header."""
    deps = head.get("dependencies")
    entries = deps.get("onDestruction") if isinstance(deps, dict) else None
    for i, entry in enumerate(entries or []):
        sid = str(entry.get("subscriber")) if isinstance(entry, dict) else None
        subscriber = loading.objects.get(sid) or runtime.objects.get(sid) if sid else None
        if subscriber is None:
            raise ModelError(f"destruction subscriber {sid!r} is not an object",
                             f"{path}.?.dependencies.onDestruction[{i}]")
        runtime.subscriptions.setdefault(oid, []).append((subscriber, entry.get("handler")))


def _locate(error: MuranoPlError, loading: ModelLoad) -> None:
    """Say where in the model an error about an object's property value is."""
    entry = loading.entries.get(error.object_id) if error.object_id else None
    if entry is None or error.model_path:
        return
    data, _owner, path = entry
    name = error.property_name
    error.model_path = f"{path}.{name}" if name in data else f"{path}.?"


def _initialize(runtime: Any, loading: ModelLoad, created: list[MuranoObject]) -> None:
    for obj in created:
        data = loading.entries[obj.id][0]
        params = {k: v for k, v in data.items() if k != "?"}
        initialize_properties(runtime, obj, params, loading)
    for obj in dependency_order(created, dependents_first=False):
        run_init(runtime, obj, None, init_params=_values(loading.entries[obj.id][0]))


def _values(data: dict) -> dict:
    """An object's model values without its header (its ``.init`` arguments come from
    them), frozen."""
    return {k: freeze(v) for k, v in data.items() if k != "?"}


def _collect_garbage(runtime: Any, live: ModelLoad, previous: Any) -> None:
    old = ModelLoad()
    old.collect(previous, None, "ObjectsCopy", _template_finder(runtime), strict=True)
    orphan_ids = [oid for oid in old.entries if oid not in live.entries]
    if not orphan_ids:
        return
    orphans = ModelLoad()
    for oid in orphan_ids:
        orphans.entries[oid] = old.entries[oid]
    created = _create(runtime, orphans, set())
    for obj in created:
        owner_id = old.entries[obj.id][1]
        if owner_id is not None and owner_id in runtime.objects:
            obj.owner = runtime.objects[owner_id]
        data = orphans.entries[obj.id][0]
        params = {k: v for k, v in data.items() if k != "?"}
        orphans.objects.update(live.objects)
        initialize_properties(runtime, obj, params, orphans)
    # As upstream loads ObjectsCopy like Objects, removed objects get their .init (which
    # often keeps what .destroy needs, e.g. the environment); a failing .init is recorded
    # and does not stop the collection.
    for obj in dependency_order(created, dependents_first=False):
        try:
            run_init(runtime, obj, None, init_params=_values(orphans.entries[obj.id][0]))
        except (MuranoPlError, EngineFault) as error:
            obj.initialized = True
            runtime.record(events.object_init_failed(obj.id, obj.cls.name, error.type_name,
                                                     error.message))
    runtime.destroy_objects(created)


def _as_references(value: Any) -> Any:
    if isinstance(value, OBJECT_TYPES):
        return value.real.id
    if is_mapping(value):
        return {plain_key(k): _as_references(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, frozenset)):
        return [_as_references(v) for v in value]
    return value


def plain_key(key: Any) -> Any:
    """A dict key as JSON can keep it: a string, number, bool or null as it is, an object
    by its id, any other value as the JSON text of its data (as keys in JSON must be)."""
    if key is None or isinstance(key, (str, int, float, bool)):
        return key
    if isinstance(key, OBJECT_TYPES):
        return key.real.id
    return json.dumps(_as_references(key), sort_keys=True, default=str)


def serialize(runtime: Any, root: MuranoObject | None) -> dict:
    """The object model of everything reachable from ``root`` (plus Attributes, ObjectsCopy)."""
    done: set[str] = set()
    held: dict[int, set[int]] = {}

    def holds(owner: MuranoObject, target: MuranoObject) -> bool:
        ids = held.get(id(owner))
        if ids is None:
            ids = held[id(owner)] = {id(o) for o in references(owner, private=False)}
        return id(target) in ids

    def value_of(value: Any, holder: MuranoObject) -> Any:
        if isinstance(value, OBJECT_TYPES):
            target = value.real
            # owned objects live where their owner holds them; one without an owner, or
            # whose owner does not hold it, is embedded where it is first met (upstream),
            # so no reference dangles
            owner = target.owner
            if (owner is holder or owner is None or not holds(owner, target)) and \
                    target.id not in done and not target.destroyed:
                return obj_dict(target)
            return target.id
        if is_mapping(value):
            return {plain_key(k): value_of(v, holder) for k, v in value.items()}
        if isinstance(value, (list, tuple, frozenset)):
            return [value_of(v, holder) for v in value]
        return value

    def obj_dict(obj: MuranoObject) -> dict:
        done.add(obj.id)
        head = {"type": obj.cls.name, "id": obj.id}
        if obj.name is not None:
            head["name"] = obj.name
        head["classVersion"] = obj.cls.package.version
        head["package"] = obj.cls.package.name
        if obj.metadata is not None:
            head["metadata"] = obj.metadata
        subscribers = [{"subscriber": sub.id, "handler": handler}
                       for sub, handler in runtime.subscriptions.get(obj.id, ())
                       if not sub.destroyed]
        if subscribers:
            head["dependencies"] = {"onDestruction": subscribers}
        result: dict[str, Any] = {"?": head}
        hidden = {s.name for s in obj.cls.all_properties() if s.usage in HIDDEN_USAGES}
        for name, value in obj.props.items():
            if name in hidden or not obj.cls.declares_property(name):
                continue
            result[name] = value_of(value, obj)
        return result

    objects = obj_dict(root) if root is not None and not root.destroyed else None
    live = {oid for oid, o in runtime.objects.items() if not o.destroyed}
    attributes = [[oid, cls, name, _as_references(value)]
                  for (oid, cls, name), value in sorted(runtime.attributes.items(),
                                                        key=lambda kv: kv[0])
                  if oid in live]
    return {"Objects": objects, "Attributes": attributes,
            "ObjectsCopy": copy.deepcopy(objects)}
