"""Checks a JSON request body against an Azure SDK model shipped with the az CLI (msrest-style models).

    validate-body.py MODELS_MODULE MODEL_CLASS FILE.json
    e.g. validate-body.py azure.mgmt.web.v2022_09_01.models SiteAuthSettingsV2 authsettings.json

Run with the CLI's own Python and packages (see target/azure-cli/az):
    PYTHONPATH=target/azure-cli/root/usr/lib/python3/dist-packages:target/azure-cli/sysdp /usr/bin/python3 -S ...

Walks the model's _attribute_map recursively (a dotted key such as "properties.platform" is a nesting level,
"[T]" a list, "{T}" a map, str/bool/int/float primitives, other names models) and reports, with its JSON path,
every key the model does not have, every value of the wrong type, and every string that is not among the
"Known values are: ..." of its :ivar docstring (where the SDK keeps the values of enum-like str fields; matched
exactly, although the service may compare them case-insensitively). Then lets the SDK deserialize the body as a
second opinion (it ignores unknown keys but refuses wrong primitive types). Types it does not know (iso-8601,
duration, ...) are not checked.

Exit 0: no problem; 1: problems (one "ERROR <path>: <problem>" line each); 2: bad arguments, module or file.
"""
import importlib
import json
import re
import sys

PRIMITIVES = {"str": str, "bool": bool, "int": int, "float": (int, float)}
# A key separator in _attribute_map is a dot not preceded by a backslash ("odata\\.type" is one key).
KEY_SEPARATOR = re.compile(r"(?<!\\)\.")


def check_model(cls, data, path, models, errors):
    if not isinstance(data, dict):
        errors.append(f"{path}: expected an object ({cls.__name__}), got {json.dumps(data)}")
        return
    check_level(wire_tree(cls), data, path, models, errors)


def wire_tree(cls):
    """The keys the model has on the wire, nested along the dotted keys: {"properties": {"platform": "AuthPlatform"}}.
    A leaf is the type name, or a list of the known values of an enum-like str."""
    known = known_values(cls)
    tree = {}
    for name, attribute in cls._attribute_map.items():
        *parents, leaf = [part.replace("\\.", ".") for part in KEY_SEPARATOR.split(attribute["key"])]
        level = tree
        for parent in parents:
            level = level.setdefault(parent, {})
        level[leaf] = known.get(name, attribute["type"])
    return tree


def known_values(cls):
    """Attribute name -> allowed strings, from ':ivar name: ... Known values are: "A", "B", and "C".'"""
    values = {}
    for ivar in re.finditer(r":ivar (\w+):(.*?)(?=\n\s*:(?:ivar|vartype)|\Z)", cls.__doc__ or "", re.S):
        listed = re.search(r"Known values are:(.*?)\.(?:\s|$)", ivar.group(2), re.S)
        if listed:
            values[ivar.group(1)] = re.findall(r'"([^"]*)"', listed.group(1))
    return values


def check_level(tree, data, path, models, errors):
    for key, value in data.items():
        where = f"{path}.{key}"
        if key not in tree:
            errors.append(f"{where}: unknown key (allowed: {', '.join(sorted(tree))})")
        elif isinstance(tree[key], dict):
            if isinstance(value, dict):
                check_level(tree[key], value, where, models, errors)
            else:
                errors.append(f"{where}: expected an object, got {json.dumps(value)}")
        elif isinstance(tree[key], list):
            if value not in tree[key]:
                errors.append(f"{where}: {json.dumps(value)} is not one of {tree[key]}")
        else:
            check_type(tree[key], value, where, models, errors)


def check_type(type_name, value, path, models, errors):
    if value is None:
        return
    if type_name.startswith("[") and type_name.endswith("]"):
        if not isinstance(value, list):
            errors.append(f"{path}: expected a list of {type_name[1:-1]}, got {json.dumps(value)}")
            return
        for i, item in enumerate(value):
            check_type(type_name[1:-1], item, f"{path}[{i}]", models, errors)
    elif type_name.startswith("{") and type_name.endswith("}"):
        if not isinstance(value, dict):
            errors.append(f"{path}: expected a map of {type_name[1:-1]}, got {json.dumps(value)}")
            return
        for key, item in value.items():
            check_type(type_name[1:-1], item, f"{path}.{key}", models, errors)
    elif type_name in PRIMITIVES:
        # bool is an int in Python: true is no number here.
        if (isinstance(value, bool) and type_name != "bool") or not isinstance(value, PRIMITIVES[type_name]):
            errors.append(f"{path}: expected {type_name}, got {json.dumps(value)}")
    elif hasattr(getattr(models, type_name, None), "_attribute_map"):
        check_model(getattr(models, type_name), value, path, models, errors)


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    module_name, class_name, file_name = sys.argv[1:]
    try:
        models = importlib.import_module(module_name)
        cls = getattr(models, class_name)
        with open(file_name, encoding="utf-8") as file:
            data = json.load(file)
    except (ImportError, AttributeError, OSError, ValueError) as e:
        print(f"cannot check {file_name} as {module_name}.{class_name}: {e}", file=sys.stderr)
        sys.exit(2)

    errors = []
    check_model(cls, data, "$", models, errors)
    try:
        cls.deserialize(data)
    except Exception as e:  # msrest's DeserializationError, or whatever else the SDK refuses the body with
        errors.append(f"SDK deserialize: {str(e).splitlines()[0]}")
    for error in errors:
        print("ERROR", error)
    print(f"{class_name}: {len(errors)} problem(s)")
    sys.exit(1 if errors else 0)


main()
