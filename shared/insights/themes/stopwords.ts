/**
 * Function words per language: they tell the language of a comment and are never "emerging terms". Short
 * lists of the commonest words, enough for both; data, no logic.
 */
import type { ThemeLanguage } from './text.ts';

const words = (text: string): ReadonlySet<string> => new Set(text.split(/\s+/).filter(Boolean));

export const STOPWORDS: Readonly<Record<ThemeLanguage, ReadonlySet<string>>> = {
  en: words(`a about after again all also am an and any are as at be because been before being but by can
    could did do does doesn't don't done for from get got had has have having he her here him his how i i'm
    if in into is isn't it it's its just me more most my no not now of on once only or other our out over
    so some such than that the their them then there these they this those to too up us very was we we're
    were what when where which while who why will with would you your you're yet still really much many
    every each one two three since thanks thank please`),
  nl: words(`aan al alle alles als altijd ben bij dan dat de deze die dit doe doen door dus een eens en er
    erg geen geweest had heb hebben heeft het hier hij hoe hun iets ik in is ja je jij jullie kan kon kunnen
    maar me meer men met mij mijn moet na naar niet niets nog nu of om omdat ons onze ook op over te tegen
    toch toen tot u uit van veel voor wat was we wel werd wij wordt zal ze zelf zij zijn zo zonder zou
    zeer echt wel heel elke elk sinds dank graag`),
  sv: words(`alla allt att av bara blev bli blir de dem den denna deras dess det detta dig din ditt du där
    efter ej eller en er era ett fick finns från får för ha hade har hela hon hos hur här i ingen inget
    inte jag kan kunde man med mellan men mig min mitt mot mycket ni nu när och om oss på samma sedan sig
    sin sitt ska skulle som så till under upp ut utan vad var vara varit vi vid vilken vår vårt än är
    även också riktigt väldigt varje tack gärna`),
  de: words(`aber alle alles als also am an auch auf aus bei bin bis bist da damit dann das dass dem den
    der des die dies diese diesem dieser doch du durch ein eine einem einen einer es für hab habe haben hat
    hatte hier ich ihr im in ist ja jede jeden jedes kann kein keine mal man mehr mein meine mich mir mit
    muss nach nicht nichts noch nur ob oder ohne sehr sein seine sich sie sind so so über um und uns unser
    unsere vom von vor war waren was weil wenn wer wie wir wird wo zu zum zur seit immer wirklich danke
    bitte`),
};
