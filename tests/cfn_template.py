"""cfn_template.py -- template.yaml read as plain data, for the tests."""
import yaml


class Loader(yaml.SafeLoader):
    pass


# CloudFormation's short tags (!Ref, !Sub, !If) as plain {"Ref": ...} values
Loader.add_multi_constructor("!", lambda loader, suffix, node: {
    suffix: loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode)
    else loader.construct_sequence(node)})


def load_template(path):
    with open(path) as f:
        return yaml.load(f, Loader)
