from django.core.management.base import BaseCommand, CommandError

from directory.kanji import build


class Command(BaseCommand):
    help = (
        "Regenerate directory/kanji/variants.tsv (異体字) and name_variants.tsv from Debian's unicode-data "
        "(Unihan) and kanjidic-xml (KANJIDIC2)."
    )

    def handle(self, *args, **options):
        for path in (build.UNIHAN_DIR / "Unihan_Variants.txt.bz2", build.KANJIDIC):
            if not path.exists():
                raise CommandError(
                    f"{path} is missing: apt-get install unicode-data kanjidic-xml"
                )
        variants, names = build.write()
        self.stdout.write(f"{build.OUTPUT}: {variants} variants")
        self.stdout.write(f"{build.NAMES_OUTPUT}: {names} kanji for names")
