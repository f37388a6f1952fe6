"""OWL 2 DL consistency check with HermiT (through owlready2, which runs it on a Java runtime)."""
from __future__ import annotations

import shutil
from pathlib import Path

from .errors import VcfKgError


class ReasonerUnavailable(VcfKgError):
    """No Java runtime: the setup script installs one (scripts/setup.sh)."""


def check_consistency(owl_file: Path) -> list[str]:
    """Run HermiT over an RDF/XML file. Returns [] when consistent and no class is unsatisfiable,
    else one message per problem."""
    if shutil.which("java") is None:
        raise ReasonerUnavailable("the OWL reasoner needs a Java runtime and `java` is not on PATH; "
                                  "run scripts/setup.sh (it installs one) or install default-jre-headless")
    import owlready2

    world = owlready2.World()
    try:
        onto = world.get_ontology(owl_file.resolve().as_uri()).load()
        try:
            with onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError:
            return ["HermiT: the ontology and facts are inconsistent (an individual breaks a disjointness, "
                    "functional-property or other axiom; the SHACL and QC reports point at the row)"]
        except owlready2.base.OwlReadyJavaError as exc:
            lines = [line for line in str(exc).splitlines() if line.strip()]
            return [f"HermiT failed: {lines[-1] if lines else exc}"]
        return [f"HermiT: class {c.iri} is unsatisfiable" for c in world.inconsistent_classes()]
    finally:
        world.close()
