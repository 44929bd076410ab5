"""Data in and out: the CSV contract, reading other tools' CSV files, import profiles (built-in and
saved), the mapping of a file onto the contract, the importer, and the export."""
