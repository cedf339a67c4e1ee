"""The buurtbegroting: a wijk's money per year, theme and source, planned against actual."""
