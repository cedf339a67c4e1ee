"""Buurtcontract: a wijk's yearly contract between its bewonersraad, the gemeente and partners."""
