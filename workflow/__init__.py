"""kehoach: a Vietnamese PCGD-XMC plan as data, and all its paperwork and follow-up."""

__version__ = "0.1.0"
