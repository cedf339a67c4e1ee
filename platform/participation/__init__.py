"""Who takes part (issue 19): the applicants and initiators of a wijk by language, home
wijk and first time; the wijk's and the municipality's rounds and pots over the years;
reach by language against the languages spoken in the wijk. Every cell that counts people
goes through `samenhang.participation.suppression`, as the turnout of a round does."""
